package lab.provider;

import lab.render.NodeEtcd;
import lab.spec.Role;

/**
 * One node of a running lab as recorded on disk.
 *
 * @param address where the node lives on this machine (the local provider maps the spec's address into 127/8)
 * @param specAddress the node's address in the spec (its VM address)
 * @param pid the etcd (or gateway) process, 0 when none runs
 * @param startedAt the process start time (epoch ms) that goes with {@code pid}: a recycled PID never matches it
 * @param memberId etcd's member id in hex, once known
 * @param joined true for members added after bootstrap (they start with initial-cluster-state existing)
 * @param initialCluster for joined members: the initial-cluster they were added with
 */
public record NodeState(String name, Role role, String specAddress, String address, NodeEtcd.Kind kind, long pid,
                        long startedAt, String memberId, boolean joined, boolean learner, String initialCluster,
                        Process process) {

    /** Where the process is, as a user reads it in `lab status`. */
    /**
     * What the lab did to the node's etcd, and what it found: CRASHED is an etcd that exited by itself (a start
     * that panicked, a process that died while the lab had it running), never one the lab killed.
     */
    public enum Process {
        RUNNING, STOPPED, KILLED, PAUSED, WIPED, REMOVED, CRASHED, NONE
    }

    public NodeState withProcess(long newPid, long newStartedAt, Process p) {
        return new NodeState(name, role, specAddress, address, kind, newPid, newStartedAt, memberId, joined, learner,
                initialCluster, p);
    }

    public NodeState withMember(String id, boolean isLearner) {
        return new NodeState(name, role, specAddress, address, kind, pid, startedAt, id, joined, isLearner,
                initialCluster, process);
    }

    public boolean hasEtcd() {
        return kind != NodeEtcd.Kind.NONE;
    }

    public String clientUrl() {
        return lab.etcd.Tls.scheme(address) + "://" + address + ":2379";
    }
}
