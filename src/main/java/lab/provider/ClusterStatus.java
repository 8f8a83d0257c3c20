package lab.provider;

import java.util.List;
import java.util.Optional;

/**
 * The whole lab at one moment, and the quorum arithmetic: with n voting members a majority of n/2+1 must be
 * healthy for the cluster to accept writes.
 *
 * @param leader the node every healthy member agrees leads, or empty
 * @param problem what is wrong with the lab itself (its daemon is gone), or empty
 */
public record ClusterStatus(List<NodeStatus> nodes, int voters, int healthyVoters, Optional<String> leader,
                            long term, Optional<String> problem) {

    public int needed() {
        return voters / 2 + 1;
    }

    public boolean quorum() {
        return voters > 0 && healthyVoters >= needed();
    }

    /** Voting members whose etcd runs (not paused, stopped, killed, crashed or removed), healthy or not. */
    public int runningVoters() {
        return (int) nodes.stream().filter(n -> n.role() == lab.spec.Role.MEMBER && !n.learner()
                && n.process() == NodeState.Process.RUNNING).count();
    }

    /** available, election (enough members run but none leads yet) or lost (too few run). */
    public String availability() {
        if (leader.isPresent() && quorum()) {
            return "available";
        }
        return runningVoters() >= needed() ? "election" : "lost";
    }

    /**
     * The quorum in words, counting running members (during an election none is healthy, yet the cluster is not
     * lost): "3 members, 2 needed, 3 running: available, leader core-01", "..., 2 running: a leader election is
     * under way", "..., 1 running: quorum lost, no writes until members return".
     */
    public String inWords() {
        String head = voters + " member" + (voters == 1 ? "" : "s") + ", " + needed() + " needed, " + runningVoters()
                + " running: ";
        return head + switch (availability()) {
            case "available" -> "available, leader " + leader.get();
            case "election" -> "no leader yet, a leader election is under way";
            default -> "quorum lost, no writes until members return";
        };
    }

    /** The cluster line of `lab status`. */
    public String summary() {
        return "quorum: " + (quorum() ? "yes" : "no") + " (" + healthyVoters + "/" + voters + " healthy, " + needed()
                + " needed), leader " + leader.orElse("none") + (term > 0 ? ", term " + term : "")
                + problem.map(p -> "; " + p).orElse("");
    }
}
