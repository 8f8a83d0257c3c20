package lab.machine;

/**
 * How one kind of machine runs etcd: the shell commands that start, stop, kill, freeze and wipe it, and the
 * interface its peer traffic uses. Faults are written once in {@link Machine}; a profile only says how. Commands run
 * as root (the caller adds sudo for a non-root login) and must be idempotent: stopping a stopped etcd succeeds.
 */
public interface MachineProfile {

    /** The profile's name as users see it: flatcar, coreos, namespace. */
    String id();

    /** Starts etcd; prints nothing or the new main PID. */
    String start();

    /** Stops etcd cleanly (SIGTERM, SIGKILL after {@code graceSeconds}); etcd stays down until started. */
    String stop(int graceSeconds);

    /** SIGKILL to etcd's main process; etcd stays down until started, even where a supervisor would restart it. */
    String kill();

    /** Sends SIGSTOP or SIGCONT to etcd's main process. */
    String signal(String signal);

    /** Deletes etcd's data directory; etcd is stopped first by the caller. */
    String wipe();

    /** Prints etcd's main PID, or nothing when it does not run. */
    String pid();

    /** The network interface the node's peers are reached through (for delays). */
    String peerInterface();
}
