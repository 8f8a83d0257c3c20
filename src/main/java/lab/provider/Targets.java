package lab.provider;

import java.time.Duration;
import java.util.List;
import java.util.Random;
import lab.spec.BadInputException;
import lab.spec.Role;

/**
 * Resolves a fault's target when it runs: a node name, {@code leader}, {@code follower} (a running member that
 * is not the leader) or {@code random} (any running member). The random choice comes from the Random passed in,
 * so a seeded run repeats.
 */
public final class Targets {
    private Targets() {
    }

    public static String resolve(Lab lab, String target, Random random) {
        switch (target) {
            case "leader": {
                ClusterStatus s = StatusProbe.probe(lab, Duration.ofMillis(500));
                return s.leader().orElseThrow(() -> new BadInputException("there is no leader to target now ("
                        + s.summary() + ")"));
            }
            case "follower":
            case "random": {
                ClusterStatus s = StatusProbe.probe(lab, Duration.ofMillis(500));
                List<String> pool = s.nodes().stream().filter(n -> n.role() == Role.MEMBER)
                        .filter(n -> n.process() == NodeState.Process.RUNNING)
                        .filter(n -> target.equals("random") || !n.leader()).map(NodeStatus::name).toList();
                if (pool.isEmpty()) {
                    throw new BadInputException("no running " + (target.equals("random") ? "member" : "follower")
                            + " to target now (" + s.summary() + ")");
                }
                return pool.get(random.nextInt(pool.size()));
            }
            default:
                return lab.node(target).name();
        }
    }
}
