package lab.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import lab.provider.ClusterStatus;
import lab.provider.NodeState;
import lab.provider.NodeStatus;
import lab.spec.BadInputException;
import lab.spec.Role;

/**
 * Which nodes a step acts on, resolved when the step runs: a node name, {@code leader}, {@code follower} (one
 * follower), {@code followers}, {@code minority} (the largest set of members whose loss keeps quorum, leader
 * excluded when possible), {@code majority}, {@code random}, {@code all}, or {@code $name} bound earlier with
 * {@code as:}. Random choices use the run's seeded Random, so a seed repeats a run.
 */
public final class Selector {
    public static final Set<String> WORDS = Set.of("leader", "follower", "followers", "minority", "majority", "random",
            "all");

    private Selector() {
    }

    /** Whether the text is a selector at all (a word, a $binding or something that may be a node name). */
    public static boolean wellFormed(String s) {
        return WORDS.contains(s) || s.matches("\\$[a-z][a-z0-9_-]*") || s.matches("[a-z0-9][a-z0-9-]*");
    }

    public static List<String> resolve(String selector, ClusterStatus status, List<NodeState> nodes,
                                       Map<String, List<String>> bound, Random random) {
        if (selector.startsWith("$")) {
            List<String> b = bound.get(selector.substring(1));
            if (b == null) {
                throw new BadInputException(selector + " is not bound (bind it with as: on an earlier step)");
            }
            return b;
        }
        List<String> running = new ArrayList<>();
        for (NodeStatus n : status.nodes()) {
            if (n.role() == Role.MEMBER && n.process() == NodeState.Process.RUNNING) {
                running.add(n.name());
            }
        }
        String leader = status.leader().orElse(null);
        List<String> followers = running.stream().filter(n -> !n.equals(leader)).toList();
        switch (selector) {
            case "leader":
                if (leader == null) {
                    throw new ScenarioFailure("there is no leader to select (" + status.summary() + ")");
                }
                return List.of(leader);
            case "follower":
                return List.of(pick(followers, random, "follower", status));
            case "followers":
                return followers;
            case "random":
                return List.of(pick(running, random, "member", status));
            case "all":
                return nodes.stream().filter(n -> n.role() == Role.MEMBER)
                        .filter(n -> n.process() != NodeState.Process.REMOVED).map(NodeState::name).toList();
            case "minority": {
                int k = (status.voters() - 1) / 2;
                List<String> out = new ArrayList<>(followers.subList(0, Math.min(k, followers.size())));
                return out;
            }
            case "majority": {
                int k = status.voters() / 2 + 1;
                List<String> out = new ArrayList<>();
                if (leader != null) {
                    out.add(leader);
                }
                for (String f : followers) {
                    if (out.size() < k) {
                        out.add(f);
                    }
                }
                return out;
            }
            default:
                return List.of(selector);
        }
    }

    private static String pick(List<String> pool, Random random, String what, ClusterStatus status) {
        if (pool.isEmpty()) {
            throw new ScenarioFailure("there is no running " + what + " to select (" + status.summary() + ")");
        }
        return pool.get(random.nextInt(pool.size()));
    }
}
