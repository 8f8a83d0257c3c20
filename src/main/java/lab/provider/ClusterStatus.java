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

    /** The cluster line of `lab status`. */
    public String summary() {
        return "quorum: " + (quorum() ? "yes" : "no") + " (" + healthyVoters + "/" + voters + " healthy, " + needed()
                + " needed), leader " + leader.orElse("none") + (term > 0 ? ", term " + term : "")
                + problem.map(p -> "; " + p).orElse("");
    }
}
