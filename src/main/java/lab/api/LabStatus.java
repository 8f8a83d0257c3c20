package lab.api;

import java.util.List;
import java.util.Optional;

/**
 * The lab at one moment, as {@code lab status} shows it.
 *
 * @param nodes every node, members first as the lab lists them
 * @param voters voting members (learners and removed members do not vote)
 * @param needed how many voters a quorum needs: voters / 2 + 1
 * @param running voters whose etcd runs (healthy or not: during an election none is healthy)
 * @param healthy voters that answered a linearizable read
 * @param leader the member a majority names as leader and that says it leads, if any
 * @param term the highest raft term any member reported
 * @param quorum whether enough voters are healthy for writes
 * @param inWords the quorum in words, as the page and {@code lab run --step} say it
 * @param table {@code lab status}'s table and quorum line, for failure messages
 */
public record LabStatus(List<Node> nodes, int voters, int needed, int running, int healthy, Optional<String> leader,
                        long term, boolean quorum, String inWords, String table) {

    /** Every voting member answered a linearizable read. */
    public boolean allHealthy() {
        return healthy == voters;
    }

    /**
     * One node.
     *
     * @param name its name, like core-01
     * @param role member, proxy or worker
     * @param process running, stopped, killed, paused, wiped, crashed, removed or none (runs no etcd)
     * @param memberId etcd's member id in hex, empty before it joined
     * @param leader whether it says it leads
     * @param learner whether it is a learner
     * @param term its raft term (0 when it did not answer)
     * @param index its raft index
     * @param healthy whether it answered a linearizable read (members) or a read through it (proxies)
     * @param clientUrl where clients reach it
     */
    public record Node(String name, String role, String process, String memberId, boolean leader, boolean learner,
                       long term, long index, boolean healthy, String clientUrl) {
    }
}
