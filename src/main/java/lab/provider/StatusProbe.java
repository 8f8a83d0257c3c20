package lab.provider;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import lab.etcd.EtcdHttp;
import lab.etcd.MemberStatus;
import lab.net.LinkRules;
import lab.render.NodeEtcd;
import lab.spec.Role;

/**
 * Asks every node at once, each with its own timeout, so the answer comes within about one timeout even when
 * members are dead, paused or cut off: the whole probe is bounded (a node that does not answer in time, a VM whose
 * SSH hangs, gets a row that says so).
 *
 * <p>Under a delay the timeout grows by what the delays in force add: a health check is a linearizable read, which
 * needs the leader to hear from a quorum, so with 200 ms ± 50 ms on the leader a follower's takes up to 1 s however
 * healthy the cluster is. Without that, a working cluster read as "0/3 healthy". The leader is the one a
 * majority of the answering members name, healthy or not, so the quorum line and the table's leader mark agree.
 */
public final class StatusProbe {
    private StatusProbe() {
    }

    public static ClusterStatus probe(Lab lab, Duration requested) {
        List<NodeState> nodes = lab.state().nodes();
        LinkRules rules = LinkRules.NONE;
        try {
            rules = lab.rules();
        } catch (RuntimeException e) {
            // no daemon: no partitions to show; the etcd answers below still stand
        }
        Duration timeout = requested.plus(delayRoundTrip(rules));
        // every node's own checks (alive, status, health) plus slack: past that, the node's row says it did not answer
        long deadline = System.nanoTime() + timeout.multipliedBy(3).plusSeconds(2).toNanos();
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, nodes.size()), r -> {
            Thread t = new Thread(r, "status");
            t.setDaemon(true);
            return t;
        });
        try {
            Map<String, Future<Object[]>> answers = new HashMap<>();
            for (NodeState n : nodes) {
                answers.put(n.name(), pool.submit(() -> ask(lab, n, timeout)));
            }
            Map<Long, String> nameOfId = new HashMap<>();
            for (NodeState n : nodes) { // ids the lab recorded: a member that does not answer is still named
                if (!n.memberId().isEmpty()) {
                    try {
                        nameOfId.put(Long.parseUnsignedLong(n.memberId(), 16), n.name());
                    } catch (NumberFormatException e) {
                        // not an id: nothing to name
                    }
                }
            }
            List<Object[]> raw = new ArrayList<>();
            for (NodeState n : nodes) {
                Object[] a;
                try {
                    a = answers.get(n.name()).get(Math.max(0, deadline - System.nanoTime()),
                            java.util.concurrent.TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    a = new Object[] {null, false, "no answer within the probe's time", null};
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    a = new Object[] {null, false, "interrupted", null};
                } catch (Exception e) {
                    a = new Object[] {null, false, String.valueOf(e.getMessage()), null};
                }
                raw.add(a);
                if (a[0] instanceof MemberStatus s && n.role() == Role.MEMBER) {
                    nameOfId.put(s.memberId(), n.name());
                }
            }
            List<NodeStatus> rows = new ArrayList<>();
            int voters = 0;
            int healthyVoters = 0;
            Map<String, Long> leaderVotes = new HashMap<>();
            long term = 0;
            for (int i = 0; i < nodes.size(); i++) {
                NodeState n = nodes.get(i);
                MemberStatus s = (MemberStatus) raw.get(i)[0];
                boolean healthy = (Boolean) raw.get(i)[1];
                String error = (String) raw.get(i)[2];
                NodeState.Process process = processOf(n, (Boolean) raw.get(i)[3]);
                boolean member = n.role() == Role.MEMBER && n.process() != NodeState.Process.REMOVED;
                boolean learner = s != null ? s.learner() : n.learner();
                if (member && !learner) {
                    voters++;
                    if (healthy) {
                        healthyVoters++;
                    }
                    if (s != null && s.leaderId() != 0) {
                        leaderVotes.merge(nameOfId.getOrDefault(s.leaderId(), MemberStatus.hex(s.leaderId())),
                                1L, Long::sum);
                        term = Math.max(term, s.raftTerm());
                    }
                }
                String leaderName = s == null ? "" : nameOfId.getOrDefault(s.leaderId(), MemberStatus.hex(s.leaderId()));
                rows.add(new NodeStatus(n.name(), n.role(), n.address(), process,
                        s != null && n.role() == Role.MEMBER ? MemberStatus.hex(s.memberId()) : n.memberId(),
                        s != null && s.isLeader(), leaderName, s == null ? 0 : s.raftTerm(),
                        s == null ? 0 : s.raftIndex(), s == null ? 0 : s.dbSize(), healthy, learner,
                        Set.copyOf(rules.cutFrom(n.name())), error));
            }
            // the leader: a member that says it leads and that a majority of the voters name (a member cut off
            // with an old leader may still name it; followers name a dead leader until they time out)
            int majority = voters / 2 + 1;
            Set<String> saysLeader = new java.util.HashSet<>();
            rows.stream().filter(NodeStatus::leader).forEach(r -> saysLeader.add(r.name()));
            Optional<String> leader = leaderVotes.entrySet().stream().filter(e -> e.getValue() >= majority)
                    .map(Map.Entry::getKey).filter(saysLeader::contains).findFirst();
            return new ClusterStatus(rows, voters, healthyVoters, leader, term, lab.daemonProblem());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * What the delays in force can add to a linearizable read: a follower asks the leader for a read index (one
     * way), the leader confirms it still leads with a heartbeat round to a quorum (there and back), and answers (one
     * way); then the follower waits until it has applied up to that index, which the leader's next append and commit
     * bring (there and back again): six crossings of the slowest delayed link, each up to the delay plus its jitter.
     * Measured under 200ms±50ms on the leader: a follower's `etcdctl endpoint health` took 0.9-1.4 s, over the
     * 1.4 s that four crossings and the default 400 ms allowed, and status said "1/3 healthy" while writes went in.
     */
    static Duration delayRoundTrip(LinkRules rules) {
        int worst = rules.delays().values().stream().mapToInt(d -> d.get(0) + d.get(1)).max().orElse(0);
        return Duration.ofMillis(6L * worst);
    }

    /** {status or null, healthy, error, alive (null: not known)} for one node. */
    private static Object[] ask(Lab lab, NodeState n, Duration timeout) {
        boolean alive = n.hasEtcd() && lab.alive(n);
        if (!alive) {
            return new Object[] {null, false, "", alive};
        }
        if (n.role() != Role.MEMBER) {
            // proxies and gateways: healthy when a linearizable read through them succeeds
            boolean ok = n.kind() == NodeEtcd.Kind.V2_PROXY ? EtcdHttp.httpHealth(n.clientUrl(), timeout)
                    : EtcdHttp.healthy(n.clientUrl(), timeout);
            return new Object[] {null, ok, "", alive};
        }
        try {
            MemberStatus s = EtcdHttp.status(n.clientUrl(), timeout);
            boolean healthy = s.leaderId() != 0 && EtcdHttp.healthy(n.clientUrl(), timeout);
            return new Object[] {s, healthy, "", alive};
        } catch (RuntimeException e) {
            return new Object[] {null, false, e.getMessage(), alive};
        }
    }

    /**
     * What runs, from what the lab recorded and whether the process is there: a process the lab had running that is
     * gone exited by itself (crashed); the lab records its own kills as such. Not known: as recorded.
     */
    static NodeState.Process processOf(NodeState n, Boolean alive) {
        if (alive != null && (n.process() == NodeState.Process.RUNNING || n.process() == NodeState.Process.PAUSED)) {
            return alive ? n.process() : NodeState.Process.CRASHED;
        }
        return n.process();
    }
}
