package lab.machine;

/**
 * A VM whose etcd is a systemd unit: Flatcar's {@code etcd-member.service} (data in /var/lib/etcd) or classic
 * CoreOS's {@code etcd2.service} (data in /var/lib/etcd2). Vagrant's private network is the VM's second
 * interface, eth1.
 */
public record SystemdProfile(String id, String unit, String dataDir) implements MachineProfile {

    public static final SystemdProfile FLATCAR = new SystemdProfile("flatcar", "etcd-member.service", "/var/lib/etcd");
    public static final SystemdProfile COREOS = new SystemdProfile("coreos", "etcd2.service", "/var/lib/etcd2");

    /**
     * {@code --no-block}: both units are Type=notify, and etcd says READY only once it serves clients, which needs a
     * leader: a blocking start of the first member of a cluster that lost quorum would wait for the others forever.
     * Prints the main PID once systemd has forked it (within 5 s).
     */
    @Override
    public String start() {
        return "systemctl start --no-block " + unit + " || exit 1; i=0; while [ $i -lt 50 ]; do p=$(systemctl show -p MainPID "
                + "--value " + unit + "); [ \"$p\" != 0 ] && { echo $p; exit 0; }; i=$((i+1)); sleep 0.1; done";
    }

    /**
     * TimeoutStopSec bounds systemd's own wait; systemd sends SIGKILL after it, as the local provider does. The
     * wait here is for ActiveState inactive (or failed): {@code is-active} is already false while the unit is
     * still deactivating and etcd still answers.
     */
    @Override
    public String stop(int graceSeconds) {
        return "systemctl stop --no-block " + unit + " && timeout " + (graceSeconds + 5) + " sh -c 'while :; do "
                + "case $(systemctl show -p ActiveState --value " + unit + ") in inactive|failed) exit 0;; esac; "
                + "sleep 0.1; done'";
    }

    @Override
    public String kill() {
        // Both units have Restart=on-failure: without the stop, systemd would bring etcd back 10 s later, and a
        // killed node must stay down until the scenario starts it.
        return "systemctl kill --signal=SIGKILL " + unit + "; systemctl stop " + unit;
    }

    @Override
    public String signal(String signal) {
        return "systemctl kill --signal=SIG" + signal + " --kill-who=main " + unit;
    }

    @Override
    public String wipe() {
        return "rm -rf " + dataDir + "/*";
    }

    @Override
    public String pid() {
        return "p=$(systemctl show -p MainPID --value " + unit + "); [ \"$p\" != 0 ] && echo $p || true";
    }

    @Override
    public String peerInterface() {
        return "eth1";
    }
}
