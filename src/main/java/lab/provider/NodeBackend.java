package lab.provider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import lab.net.LinkRules;
import lab.render.NodeEtcd;
import lab.spec.LabSpec;

/**
 * How one provider makes nodes exist and acts on them. {@link Lab} keeps the state, the order of things and the
 * clean-up on failure; a backend only says how. Every method may be called from another process than the one that
 * created the lab (the CLI runs one command per process), so a backend keeps nothing in memory that it cannot
 * rebuild from the lab's directory.
 */
public interface NodeBackend {

    /**
     * Checks that this machine can hold the lab and reserves what labs running side by side must not share (an
     * address block, a subnet); returns the loopback block for the state (0 where there is none).
     */
    int reserve(Path workDir, LabSpec spec, Integer block);

    /** Where a node with this spec address is reached from this machine. */
    String address(LabState s, String specAddress);

    /** The address the lab daemon listens on (the host's side of the lab network). */
    String daemonHost(LabState s);

    /** Creates what nodes need before etcd can start (namespaces, sshd, keys); records it under the lab dir. */
    void prepare(Lab lab, LabSpec spec);

    /** Starts the node's etcd (member, gateway or proxy) with the environment its user-data gives. */
    Processes.Started startEtcd(Lab lab, NodeState n, NodeEtcd etcd, Map<String, String> extraEnv);

    /** SIGKILL: the process dies mid-write, as on a power cut. Nothing happens when it does not run. */
    void kill(Lab lab, NodeState n);

    /** SIGTERM and wait for a clean exit, SIGKILL after {@code grace}. */
    void stop(Lab lab, NodeState n, Duration grace);

    /** Freezes (STOP) or thaws (CONT) the node's etcd. */
    void signal(Lab lab, NodeState n, String signal);

    /** Whether the node's recorded etcd process runs. */
    boolean alive(Lab lab, NodeState n);

    /**
     * A hard power-off of the whole node (a VM's plug pulled). Nodes that are processes of this machine have no
     * power to cut: their etcd is killed, which is what a power cut does to it.
     */
    default void powerOff(Lab lab, NodeState n) {
        kill(lab, n);
    }

    /**
     * Takes the node through a reboot; {@link Lab#reboot} then starts etcd unless the boot already did. Where there
     * is no machine to reboot, etcd is stopped (and then started again by the lab).
     */
    default void reboot(Lab lab, NodeState n) {
        stop(lab, n, Lab.STOP_GRACE);
    }

    /**
     * `lab up` on a lab that is up, with a spec that may have changed. Only VMs can take new user-data in place;
     * elsewhere the lab must be taken down first.
     */
    default void reprovision(Lab lab, LabSpec spec) {
        throw new lab.spec.BadInputException("lab \"" + spec.name() + "\" is already up; `lab down --name "
                + spec.name() + "` first, or pick another --name");
    }

    /**
     * Runs a shell command on the node, as the node's login user (local nodes: this machine's user, the command on
     * this machine), with {@code env} exported; gives up after {@code timeout}.
     */
    lab.transport.ExecResult exec(Lab lab, NodeState n, String command, Map<String, String> env, Duration timeout);

    /** The last lines etcd wrote on the node (its log file, or its unit's journal on a VM); empty when none. */
    default String logTail(Lab lab, NodeState n, int lines) {
        java.nio.file.Path log = lab.dir().log(n.name());
        return java.nio.file.Files.exists(log) ? Readiness.tail(log, lines) : "";
    }

    /**
     * The node's etcd data directory as a path of this machine, where it is one (local and netns nodes share this
     * machine's file system); empty on a VM. A snapshot restore writes it from here.
     */
    default java.util.Optional<Path> hostDataDir(Lab lab, NodeState n) {
        return java.util.Optional.empty();
    }

    /** Deletes the node's etcd data directory; etcd must not run. */
    void deleteData(Lab lab, NodeState n);

    /**
     * Puts a data directory made on this machine ({@code etcdctl snapshot restore}, under the lab's folder) in place
     * of the node's, whose etcd must not run; {@code restored} is gone afterwards. Local and netns nodes: moved in
     * place (the same file system). VMs override it: copied into the VM over SSH.
     */
    default void replaceData(Lab lab, NodeState n, Path restored) {
        Path target = hostDataDir(lab, n).orElseThrow();
        LabDir.deleteTree(target);
        try {
            java.nio.file.Files.move(restored, target, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (java.io.IOException e) {
            throw new lab.spec.EnvironmentException("cannot move the restored data to " + target + ": "
                    + e.getMessage(), e);
        }
    }

    /** The network faults in force. */
    LinkRules rules(Lab lab);

    /** Replaces the network faults in force: links not cut by {@code r} flow again. */
    void rules(Lab lab, LinkRules r);

    /**
     * Removes every process and every network object of the lab, from what is recorded on disk; must work after
     * the CLI or the daemon was killed and must tolerate pieces that are already gone.
     */
    void destroy(LabDir dir, LabState s);
}
