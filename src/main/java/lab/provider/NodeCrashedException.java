package lab.provider;

/**
 * A node's etcd exited by itself right after the lab started it (a panic, a refused configuration): the start did
 * not do what was asked. The message names the node and carries the end of its log, etcd's own words.
 */
public class NodeCrashedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String node;

    public NodeCrashedException(String node, String message) {
        super(message);
        this.node = node;
    }

    public String node() {
        return node;
    }
}
