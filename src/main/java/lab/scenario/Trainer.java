package lab.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import lab.provider.ClusterStatus;

/**
 * `lab run --step` for trainers: before each step, what it will do and why it matters, with the quorum
 * arithmetic ("3 members, 2 needed; killing 1 leaves 2: still available"), then wait for Enter.
 */
final class Trainer {
    private Trainer() {
    }

    static void explain(Step step, Run run, PrintWriter out, BufferedReader input) {
        ClusterStatus s = run.status();
        out.println();
        out.println("  next: " + step.text());
        String why = switch (step.kind()) {
            case "kill", "stop", "pause", "wipe", "isolate" -> losing(step, run, s);
            case "partition" -> "a partition: only the side with a majority (" + s.needed() + " of " + s.voters()
                    + ") can elect a leader and accept writes; the other side refuses linearizable requests";
            case "expect" -> "a check: the step passes only if the cluster shows this"
                    + (step.within().isZero() ? " now" : " within " + step.within().toMillis() / 1000.0 + " s");
            case "add-member" -> "growing: the new member is added through the cluster first, then started with "
                    + "initial-cluster-state existing; " + (s.voters() + 1) + " members would need "
                    + ((s.voters() + 1) / 2 + 1);
            case "remove-member" -> "shrinking: " + (s.voters() - 1) + " members need " + ((s.voters() - 1) / 2 + 1);
            case "heal" -> "every link back: the members catch up and agree again";
            default -> "";
        };
        if (!why.isEmpty()) {
            out.println("  why:  " + why);
        }
        out.println("  now:  " + s.summary());
        waitForEnter(out, input, true);
    }

    private static String losing(Step step, Run run, ClusterStatus s) {
        List<String> nodes;
        try {
            nodes = run.resolve(step.arg("target"));
        } catch (RuntimeException e) {
            return "";
        }
        int left = s.healthyVoters() - nodes.size();
        return s.voters() + " members, " + s.needed() + " needed; taking out " + nodes.size() + " (" + String.join(", ",
                nodes) + ") leaves " + left + ": " + (left >= s.needed() ? "still available"
                : "quorum lost, no writes until members return");
    }

    static void waitForEnter(PrintWriter out, BufferedReader input, boolean stepMode) {
        if (!stepMode || input == null) {
            return;
        }
        out.print("  [Enter] ");
        out.flush();
        try {
            input.readLine();
        } catch (IOException e) {
            // no terminal: go on
        }
    }
}
