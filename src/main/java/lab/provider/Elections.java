package lab.provider;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import lab.spec.Durations;
import lab.etcd.EtcdHttp;
import lab.etcd.MemberStatus;
import lab.spec.EnvironmentException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Watching leadership change: how long until the surviving members agree on a new leader. */
public final class Elections {
    private Elections() {
    }

    /** A leader a majority of the voters agrees on, and its term. */
    public record Leader(String node, long term, Duration after) {
    }

    /**
     * Waits until a new leader, not {@code old}, is recognised by a majority of the cluster's voters (the old leader
     * not counted); returns it with the time since {@code since} (System.nanoTime()). A majority, not every running
     * member: after a partition the members cut off with the old leader go on naming it (or nobody) until the heal,
     * while the majority side has long elected.
     */
    public static Leader awaitNewLeader(Lab lab, String old, long since, Duration timeout) {
        return awaitNewLeader(lab, old, since, timeout, () -> false);
    }

    /**
     * As above; once {@code undone} (the fault was healed or its node brought back) a majority naming {@code old}
     * again ends the wait with null: the fault ended before it cost the leader its place.
     */
    public static Leader awaitNewLeader(Lab lab, String old, long since, Duration timeout,
                                        java.util.function.BooleanSupplier undone) {
        AtomicReference<Leader> found = new AtomicReference<>();
        boolean[] kept = {false};
        try {
            Awaitility.await("a new leader after " + old).atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20)).until(() -> {
                        // Who is in service is read on every poll (from the lab's state: asking each VM over SSH
                        // every 20 ms would be the slowest part): members may be started while we wait.
                        List<NodeState> voters = lab.state().members().stream().filter(n -> !n.learner()).toList();
                        List<NodeState> others = voters.stream().filter(n -> !n.name().equals(old))
                                .filter(Lab::inService).toList();
                        Optional<Leader> l = agreedLeader(lab, others, voters.size() / 2 + 1, since);
                        l.filter(x -> !x.node().equals(old)).ifPresent(found::set);
                        if (found.get() == null && undone.getAsBoolean() && l.filter(x -> x.node().equals(old))
                                .isPresent() && saysItLeads(lab.node(old))) {
                            kept[0] = true; // named by a majority and leading by its own account: no election
                        }
                        return found.get() != null || kept[0];
                    });
        } catch (ConditionTimeoutException e) {
            throw new EnvironmentException("no new leader within " + Durations.format(timeout) + " after " + old);
        }
        return found.get();
    }

    private static boolean saysItLeads(NodeState n) {
        try {
            return EtcdHttp.status(n.clientUrl(), Duration.ofMillis(200)).isLeader();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The leader that at least {@code quorum} of {@code asked} name, with the highest term they report. */
    private static Optional<Leader> agreedLeader(Lab lab, List<NodeState> asked, int quorum, long since) {
        Map<Long, long[]> votes = new HashMap<>(); // leader id -> {members naming it, highest term}
        for (NodeState n : asked) {
            try {
                MemberStatus s = EtcdHttp.status(n.clientUrl(), Duration.ofMillis(200));
                if (s.leaderId() != 0) {
                    long[] v = votes.computeIfAbsent(s.leaderId(), k -> new long[2]);
                    v[0]++;
                    v[1] = Math.max(v[1], s.raftTerm());
                }
            } catch (RuntimeException e) {
                // a member that does not answer names nobody
            }
        }
        return votes.entrySet().stream().filter(e -> e.getValue()[0] >= quorum).findFirst().map(e -> {
            String id = Long.toHexString(e.getKey());
            String name = lab.state().members().stream().filter(n -> id.equals(n.memberId())).map(NodeState::name)
                    .findFirst().orElse(id);
            return new Leader(name, e.getValue()[1], Duration.ofNanos(System.nanoTime() - since));
        });
    }
}
