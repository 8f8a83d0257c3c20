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
 * members are dead, paused or cut off.
 */
public final class StatusProbe {
    private StatusProbe() {
    }

    public static ClusterStatus probe(Lab lab, Duration timeout) {
        List<NodeState> nodes = lab.state().nodes();
        LinkRules rules = LinkRules.NONE;
        try {
            rules = lab.rules();
        } catch (RuntimeException e) {
            // no daemon: no partitions to show; the etcd answers below still stand
        }
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
            List<Object[]> raw = new ArrayList<>();
            for (NodeState n : nodes) {
                Object[] a;
                try {
                    a = answers.get(n.name()).get();
                } catch (Exception e) {
                    a = new Object[] {null, false, String.valueOf(e.getMessage())};
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
                NodeState.Process process = processOf(lab, n);
                boolean member = n.role() == Role.MEMBER && n.process() != NodeState.Process.REMOVED;
                boolean learner = s != null ? s.learner() : n.learner();
                if (member && !learner) {
                    voters++;
                    if (healthy) {
                        healthyVoters++;
                        if (s != null && s.leaderId() != 0) {
                            leaderVotes.merge(nameOfId.getOrDefault(s.leaderId(), MemberStatus.hex(s.leaderId())),
                                    1L, Long::sum);
                            term = Math.max(term, s.raftTerm());
                        }
                    }
                }
                String leaderName = s == null ? "" : nameOfId.getOrDefault(s.leaderId(), MemberStatus.hex(s.leaderId()));
                rows.add(new NodeStatus(n.name(), n.role(), n.address(), process,
                        s != null && n.role() == Role.MEMBER ? MemberStatus.hex(s.memberId()) : n.memberId(),
                        s != null && s.isLeader(), leaderName, s == null ? 0 : s.raftTerm(),
                        s == null ? 0 : s.raftIndex(), s == null ? 0 : s.dbSize(), healthy, learner,
                        Set.copyOf(rules.cutFrom(n.name())), error));
            }
            Optional<String> leader = leaderVotes.size() == 1 ? Optional.of(leaderVotes.keySet().iterator().next())
                    : Optional.empty();
            return new ClusterStatus(rows, voters, healthyVoters, leader, term);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Object[] ask(Lab lab, NodeState n, Duration timeout) {
        if (!n.hasEtcd() || !lab.alive(n)) {
            return new Object[] {null, false, ""};
        }
        if (n.role() != Role.MEMBER) {
            // proxies and gateways: healthy when a linearizable read through them succeeds
            boolean ok = n.kind() == NodeEtcd.Kind.V2_PROXY ? EtcdHttp.httpHealth(n.clientUrl(), timeout)
                    : EtcdHttp.healthy(n.clientUrl(), timeout);
            return new Object[] {null, ok, ""};
        }
        try {
            MemberStatus s = EtcdHttp.status(n.clientUrl(), timeout);
            boolean healthy = s.leaderId() != 0 && EtcdHttp.healthy(n.clientUrl(), timeout);
            return new Object[] {s, healthy, ""};
        } catch (RuntimeException e) {
            return new Object[] {null, false, e.getMessage()};
        }
    }

    static NodeState.Process processOf(Lab lab, NodeState n) {
        if (n.process() == NodeState.Process.RUNNING || n.process() == NodeState.Process.PAUSED) {
            return lab.alive(n) ? n.process() : NodeState.Process.KILLED;
        }
        return n.process();
    }
}
