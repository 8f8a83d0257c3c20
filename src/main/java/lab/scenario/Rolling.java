package lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.provider.ClusterStatus;
import lab.provider.Membership;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A rolling restart or replacement, one node at a time, the way an autoscaling group's rolling update works:
 * with {@code min-in-service} N a node is only taken out while N healthy members remain without it, and the next
 * one waits until it is back; {@code pause} waits between nodes. With neither, nodes are taken out back to back,
 * and replacements are only attempted after the last one went: quorum can be lost, which is the lesson of
 * scenarios/rolling-replace-too-fast.yaml.
 */
final class Rolling {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private Rolling() {
    }

    static String run(Step step, Run run) {
        String action = step.arg("action");
        int min = (Integer) step.args().get("min-in-service");
        Duration pause = (Duration) step.args().get("pause");
        List<String> targets = run.resolve(step.arg("targets"));
        List<String> notes = new ArrayList<>();
        List<String> terminated = new ArrayList<>();
        for (String t : targets) {
            if (min > 0) {
                awaitInService(run, t, min);
            }
            run.say("rolling " + action + ": " + t + " out (" + run.status().summary() + ")");
            if (action.equals("restart")) {
                run.lab.restart(t);
            } else if (min > 0) {
                Membership.replace(run.lab, t);
            } else {
                run.lab.wipe(t); // the instance is gone; its replacement comes later
                terminated.add(t);
            }
            if (min > 0) {
                awaitBack(run, t);
            }
            Actions.pause(pause, run);
        }
        for (String t : terminated) {
            try {
                Membership.replace(run.lab, t);
                notes.add(t + " replaced");
            } catch (RuntimeException e) {
                notes.add("cannot replace " + t + ": " + e.getMessage());
                run.say("cannot replace " + t + ": " + e.getMessage());
            }
        }
        return "rolling " + action + " of " + String.join(", ", targets) + " (min-in-service " + min + ", pause "
                + lab.spec.Durations.format(pause) + ")" + (notes.isEmpty() ? "" : ": " + String.join("; ", notes));
    }

    private static void awaitInService(Run run, String node, int min) {
        try {
            Awaitility.await("min-in-service " + min + " without " + node).atMost(WAIT)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        ClusterStatus s = run.status();
                        boolean nodeHealthy = s.nodes().stream().anyMatch(n -> n.name().equals(node) && n.healthy());
                        return s.healthyVoters() - (nodeHealthy ? 1 : 0) >= min;
                    });
        } catch (ConditionTimeoutException e) {
            throw new ScenarioFailure("taking " + node + " out would leave fewer than " + min + " healthy members ("
                    + run.status().summary() + ")");
        }
    }

    private static void awaitBack(Run run, String node) {
        try {
            Awaitility.await(node + " back in service").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> run.status().nodes().stream().anyMatch(n -> n.name().equals(node)
                            && n.healthy()));
        } catch (ConditionTimeoutException e) {
            throw new ScenarioFailure(node + " did not come back within " + WAIT.toSeconds() + " s ("
                    + run.status().summary() + ")");
        }
    }
}
