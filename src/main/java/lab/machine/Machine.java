package lab.machine;

import lab.transport.Shell;
import java.time.Duration;
import java.util.Collection;
import java.util.OptionalLong;
import lab.spec.EnvironmentException;
import lab.transport.ExecResult;
import lab.transport.Transport;

/**
 * One node reached through a transport, with the faults written once: the profile says which commands run etcd
 * there, {@link Firewall} which iptables rules cut its links. Every method fails with an EnvironmentException that
 * names the node and quotes what the node answered.
 */
public final class Machine {
    private static final Duration CALL = Duration.ofSeconds(30);
    private final String name;
    private final MachineProfile profile;
    private final Transport transport;
    private final boolean sudo;

    /** @param sudo whether commands need {@code sudo -n} (a VM's login user is not root) */
    public Machine(String name, MachineProfile profile, Transport transport, boolean sudo) {
        this.name = name;
        this.profile = profile;
        this.transport = transport;
        this.sudo = sudo;
    }

    public String name() {
        return name;
    }

    public Transport transport() {
        return transport;
    }

    /** Starts etcd and returns its PID when the profile can tell it. */
    public OptionalLong start() {
        return start("");
    }

    /**
     * Runs {@code prelude} (writing etcd's configuration, say), then starts etcd, in one round trip: on this
     * machine every SSH exec costs about 150 ms, most of it the login shell's start-up files.
     */
    public OptionalLong start(String prelude) {
        String out = run("start etcd", prelude.isEmpty() ? profile.start() : prelude + "\n" + profile.start())
                .stdout().trim();
        if (out.matches("\\d+")) {
            return OptionalLong.of(Long.parseLong(out));
        }
        return pid();
    }

    public void stop(Duration grace) {
        run("stop etcd", profile.stop((int) Math.max(1, grace.toSeconds())));
    }

    public void kill() {
        run("kill etcd", profile.kill());
    }

    public void signal(String signal) {
        run("send SIG" + signal + " to etcd", profile.signal(signal));
    }

    public void wipe() {
        run("wipe etcd's data", profile.wipe());
    }

    public OptionalLong pid() {
        String out = run("find etcd's PID", profile.pid()).stdout().trim();
        return out.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(out));
    }

    /** Drops every packet from these addresses, in the lab's own chain; an empty set heals. */
    public void dropFrom(Collection<String> addresses) {
        run("set the lab's firewall rules", Firewall.dropFrom(addresses));
    }

    /** Adds latency (and jitter) to everything the node sends on its peer interface; 0 removes it. */
    public void delay(int ms, int jitterMs) {
        ExecResult r = exec(Firewall.delay(profile.peerInterface(), ms, jitterMs));
        if (!r.ok()) {
            String why = r.stderr().trim();
            if (why.contains("qdisc kind is unknown") || why.contains("No such file or directory")) {
                throw new EnvironmentException(name + ": this kernel has no netem (sch_netem), which a delay on a "
                        + "VM needs (" + why + ")");
            }
            throw failure("add a delay", r);
        }
    }

    /** Routes this node's peer traffic through the host's delay proxies (see {@link Firewall#redirectPeers}). */
    public void redirectPeers(String host, java.util.Map<String, Integer> portOf) {
        run("redirect peer traffic through the lab's proxies", Firewall.redirectPeers(host, portOf));
    }

    public void clearRedirect() {
        run("remove the peer redirect", Firewall.clearRedirect());
    }

    /** Closes this node's established peer connections (see {@link Firewall#resetPeerConnections}). */
    public void resetPeerConnections() {
        run("reset the peer connections", Firewall.resetPeerConnections());
    }

    /** Removes the lab's chain and delay: what the lab added to the node's firewall is gone, nothing else. */
    public void clearNetworkFaults() {
        run("remove the lab's firewall rules", Firewall.remove(profile.peerInterface()));
    }

    /** Drops the connection; the machine reconnects when used again. */
    public void close() {
        transport.close();
    }

    public ExecResult exec(String command) {
        return exec(command, CALL);
    }

    /** Runs a command as root (through sudo where the login is not root); TransportException after {@code within}. */
    public ExecResult exec(String command, Duration within) {
        return transport.exec(sudo ? "sudo -n sh -c " + Shell.quote(command) : command, within);
    }

    private ExecResult run(String what, String command) {
        ExecResult r = exec(command);
        if (!r.ok()) {
            throw failure(what, r);
        }
        return r;
    }

    private EnvironmentException failure(String what, ExecResult r) {
        String out = (r.stderr() + r.stdout()).trim();
        return new EnvironmentException(name + ": could not " + what + " (exit " + r.exitCode() + ")"
                + (out.isEmpty() ? "" : ": " + out));
    }
}
