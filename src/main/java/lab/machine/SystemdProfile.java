package lab.machine;

/**
 * A VM whose etcd is a systemd unit: Flatcar's {@code etcd-member.service} (data in /var/lib/etcd) or classic
 * CoreOS's {@code etcd2.service} (data in /var/lib/etcd2). Vagrant's private network is the VM's second
 * interface, eth1.
 */
public record SystemdProfile(String id, String unit, String dataDir) implements MachineProfile {

    public static final SystemdProfile FLATCAR = new SystemdProfile("flatcar", "etcd-member.service", "/var/lib/etcd");
    public static final SystemdProfile COREOS = new SystemdProfile("coreos", "etcd2.service", "/var/lib/etcd2");

    @Override
    public String start() {
        return "systemctl start " + unit;
    }

    @Override
    public String stop(int graceSeconds) {
        // TimeoutStopSec bounds the wait; systemd sends SIGKILL after it, as the local provider does.
        return "systemctl stop --no-block " + unit + " && timeout " + (graceSeconds + 5) + " sh -c 'while "
                + "systemctl -q is-active " + unit + "; do sleep 0.2; done'";
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
