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
        explain(step, run, out, input, () -> false);
    }

    /**
     * @param advanced true once the step was advanced from elsewhere (the lab's page): Enter is not waited for
     */
    static void explain(Step step, Run run, PrintWriter out, BufferedReader input,
                        java.util.function.BooleanSupplier advanced) {
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
        out.println("  now:  " + s.inWords());
        run.onStep("next: " + step.text() + (why.isEmpty() ? "" : " (" + why + ")"), true);
        waitForEnter(out, input, true, advanced);
        run.onStep("", false);
    }

    /**
     * What taking out the step's nodes leaves, counting running voters (not healthy ones: during an election no
     * member is healthy, yet nothing is lost). The nodes are resolved here once and pinned to the step, so the
     * step hits the nodes named here even if the roles change while the trainer talks.
     */
    private static String losing(Step step, Run run, ClusterStatus s) {
        List<String> nodes;
        try {
            nodes = run.pin(step);
        } catch (RuntimeException e) {
            return "";
        }
        long running = s.nodes().stream().filter(n -> nodes.contains(n.name()) && n.role() == lab.spec.Role.MEMBER
                && !n.learner() && n.process() == lab.provider.NodeState.Process.RUNNING).count();
        int left = s.runningVoters() - (int) running;
        String roles = String.join(", ", nodes.stream().map(n -> n + (s.leader().filter(n::equals).isPresent()
                ? " (the leader)" : "")).toList());
        return s.voters() + " members, " + s.needed() + " needed, " + s.runningVoters() + " running; taking out "
                + nodes.size() + " (" + roles + ", named now and hit when the step runs) leaves " + left
                + " running: " + (left >= s.needed() ? "still available" + (s.leader().isEmpty()
                ? " once the election under way ends" : s.leader().filter(nodes::contains).isPresent()
                ? ", after a new leader is elected" : "") : "quorum lost, no writes until members return");
    }

    static void waitForEnter(PrintWriter out, BufferedReader input, boolean stepMode) {
        waitForEnter(out, input, stepMode, () -> false);
    }

    /** Waits for Enter, or until {@code advanced} says the step was advanced from the lab's page. */
    static void waitForEnter(PrintWriter out, BufferedReader input, boolean stepMode,
                             java.util.function.BooleanSupplier advanced) {
        if (!stepMode || input == null) {
            return;
        }
        out.print("  [Enter] ");
        out.flush();
        java.util.concurrent.BlockingQueue<String> lines = LINES.computeIfAbsent(input, Trainer::reader);
        try {
            while (true) {
                String line = lines.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (line != null) {
                    if (line == EOF) {
                        lines.offer(EOF); // no more input: every later wait goes on at once, as before
                    }
                    return;
                }
                if (advanced.getAsBoolean()) {
                    out.println("(advanced from the lab's page)");
                    out.flush();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final String EOF = new String("EOF");
    /** One reader thread per input: a wait that ends from the page leaves no read behind to steal the next line. */
    private static final java.util.Map<BufferedReader, java.util.concurrent.BlockingQueue<String>> LINES =
            java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    private static java.util.concurrent.BlockingQueue<String> reader(BufferedReader input) {
        java.util.concurrent.BlockingQueue<String> q = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread t = new Thread(() -> {
            try {
                for (String l = input.readLine(); l != null; l = input.readLine()) {
                    q.offer(l);
                }
            } catch (IOException e) {
                // no terminal: as the end of input
            }
            q.offer(EOF);
        }, "step-input");
        t.setDaemon(true);
        t.start();
        return q;
    }
}
