package lab.provider;

import java.util.Set;
import lab.spec.Role;

/**
 * One row of `lab status`: what the process and etcd say about a node at one moment.
 *
 * @param error why etcd did not answer (empty when it did)
 * @param cutFrom the nodes the lab's network faults separate it from
 */
public record NodeStatus(String name, Role role, String address, NodeState.Process process, String memberId,
                         boolean leader, String leaderId, long raftTerm, long raftIndex, long dbSize, boolean healthy,
                         boolean learner, Set<String> cutFrom, String error) {
}
