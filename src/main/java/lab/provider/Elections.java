package lab.provider;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import lab.etcd.EtcdHttp;
import lab.etcd.MemberStatus;
import lab.spec.EnvironmentException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Watching leadership change: how long until the surviving members agree on a new leader. */
public final class Elections {
    private Elections() {
    }

    /** A leader every running member agrees on, and its term. */
    public record Leader(String node, long term, Duration after) {
    }

    /**
     * Waits until every running member other than {@code old} reports the same leader, which is not {@code old};
     * returns it with the time since {@code since} (System.nanoTime()).
     */
    public static Leader awaitNewLeader(Lab lab, String old, long since, Duration timeout) {
        AtomicReference<Leader> found = new AtomicReference<>();
        try {
            Awaitility.await("a new leader after " + old).atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20)).until(() -> {
                        // Who runs is read on every poll: members may be started while we wait.
                        List<NodeState> voters = lab.state().members().stream().filter(n -> !n.name().equals(old))
                                .filter(n -> lab.alive(n)).toList();
                        Optional<Leader> l = agreedLeader(lab, voters, since);
                        l.filter(x -> !x.node().equals(old)).ifPresent(found::set);
                        return found.get() != null;
                    });
        } catch (ConditionTimeoutException e) {
            throw new EnvironmentException("no new leader within " + timeout.toSeconds() + " s after " + old);
        }
        return found.get();
    }

    private static Optional<Leader> agreedLeader(Lab lab, List<NodeState> voters, long since) {
        if (voters.isEmpty()) {
            return Optional.empty();
        }
        long leader = 0;
        long term = 0;
        for (NodeState n : voters) {
            MemberStatus s;
            try {
                s = EtcdHttp.status(n.clientUrl(), Duration.ofMillis(200));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
            if (s.leaderId() == 0 || (leader != 0 && s.leaderId() != leader)) {
                return Optional.empty();
            }
            leader = s.leaderId();
            term = Math.max(term, s.raftTerm());
        }
        String id = Long.toHexString(leader);
        String name = lab.state().members().stream().filter(n -> id.equals(n.memberId())).map(NodeState::name)
                .findFirst().orElse(id);
        return Optional.of(new Leader(name, term, Duration.ofNanos(System.nanoTime() - since)));
    }
}
