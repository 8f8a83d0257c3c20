package lab.machine;

/**
 * A network-namespace node: no systemd, so the lab installs a small supervisor ({@code lab-etcd}, from this
 * package's resources) in the node's directory, which runs etcd from {@code etcd.run} and keeps its PID in
 * {@code etcd.pid}. The node's interface on the lab bridge is eth0.
 *
 * @param nodeDir the node's directory as the node sees it (namespaces share the host's file system)
 */
public record NamespaceProfile(String nodeDir) implements MachineProfile {

    /** The supervisor script, shipped as a resource next to this class. */
    public static final String SUPERVISOR = "lab-etcd";

    private String run(String verb) {
        return nodeDir + "/" + SUPERVISOR + " " + verb;
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
