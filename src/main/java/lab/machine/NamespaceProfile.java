package lab.machine;

/**
 * A network-namespace node: no systemd, so the lab installs a small supervisor ({@code lab-etcd}, from this
 * package's resources), which runs etcd from {@code etcd.run} and keeps its PID in {@code etcd.pid}, both next to
 * it, and etcd's log and data in the node's state directory. The node's interface on the lab bridge is eth0.
 *
 * @param runtimeDir where the supervisor and etcd.run are (a directory only root can write)
 * @param stateDir the node's directory in the lab's state (etcd.log, data/); namespaces share the host's files
 */
public record NamespaceProfile(String runtimeDir, String stateDir) implements MachineProfile {

    /** The supervisor script, shipped as a resource next to this class. */
    public static final String SUPERVISOR = "lab-etcd";

    private String run(String verb) {
        return "LAB_NODE_STATE=" + lab.transport.Shell.quote(stateDir) + " " + lab.transport.Shell.quote(runtimeDir
                + "/" + SUPERVISOR) + " " + verb;
    }

    @Override
    public String id() {
        return "namespace";
    }

    @Override
    public String start() {
        return run("start");
    }

    @Override
    public String stop(int graceSeconds) {
        return run("stop " + graceSeconds);
    }

    @Override
    public String kill() {
        return run("kill");
    }

    @Override
    public String signal(String signal) {
        return run("signal " + signal);
    }

    @Override
    public String wipe() {
        return run("wipe");
    }

    @Override
    public String pid() {
        return run("pid");
    }

    @Override
    public String peerInterface() {
        return "eth0";
    }
}
