package lab.scenario;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import lab.provider.ClusterStatus;
import lab.provider.Lab;
import lab.provider.StatusProbe;

/** The state of one scenario run: its lab, the names bound so far, the clock and the timeline. */
final class Run {
    final Lab lab;
    final Random random;
    final long t0 = System.nanoTime();
    final Map<String, List<String>> bound = new HashMap<>();
    private final PrintWriter out;
    Measurements measurements;
    /** The leader when the last fault began: what {@code leader: changed} compares with. */
    String leaderBeforeFault;
    /** Whether any fault began in this run (before one, {@code leader: changed} has nothing to compare with). */
    volatile boolean faultSeen;

    /** Whether the run was cancelled (a signal): long waits inside a step end on it. */
    final java.util.function.BooleanSupplier cancelled;

    Run(Lab lab, Random random, PrintWriter out) {
        this(lab, random, out, () -> false);
    }

    Run(Lab lab, Random random, PrintWriter out, java.util.function.BooleanSupplier cancelled) {
        this.lab = lab;
        this.random = random;
        this.out = out;
        this.cancelled = cancelled;
    }

    synchronized void say(String what) {
        sayAt(seconds(), what);
    }

    /** A table (the status at a failure) under the timeline line it explains, indented with it. */
    synchronized void sayTable(String table) {
        table.lines().forEach(l -> out.println("             " + l));
        out.flush();
    }

    /** A timeline line for what began at {@code at} (a step's t+ is when it began, as the journal's "at"). */
    synchronized void sayAt(double at, String what) {
        out.printf("  t+%6.2fs  %s%n", at, what);
        out.flush();
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    ClusterStatus status() {
        return StatusProbe.probe(lab, Duration.ofMillis(400));
    }

    /** Role selectors: they name different nodes once a fault changed the roles. */
    static final java.util.Set<String> ROLES = java.util.Set.of("leader", "follower", "followers", "minority",
            "majority", "random");
    /** What the last fault with a role selector took, by its undo ("resume:followers", "start:leader"). */
    private final Map<String, List<String>> taken = new HashMap<>();

    /**
     * The nodes a node action hits. An undo (resume after pause; start after kill, stop or wipe) with the same role
     * selector as the fault hits the nodes that fault took: `pause: followers` then `resume: followers` resumes
     * the paused nodes, although after the pause they are no longer followers (a paused member leads nothing and
     * the survivors elected another). Other selectors, and undos no fault precedes, resolve as they read.
     */
    List<String> resolveFault(String kind, String selector) {
        String undoKey = kind + ":" + selector;
        if (ROLES.contains(selector) && taken.containsKey(undoKey)) {
            return taken.remove(undoKey);
        }
        List<String> nodes = resolve(selector);
        if (ROLES.contains(selector)) {
            switch (kind) {
                case "pause" -> taken.put("resume:" + selector, nodes);
                case "kill", "stop", "wipe" -> taken.put("start:" + selector, nodes);
                default -> { }
            }
        }
        return nodes;
    }

    List<String> resolve(String selector) {
        if (selector.startsWith("unit:")) {
            return List.of(FleetSteps.hostOf(lab, selector.substring("unit:".length())));
        }
        return Selector.resolve(selector, status(), lab.state().nodes(), bound, random);
    }

    String resolveOne(String selector) {
        List<String> r = resolve(selector);
        if (r.size() != 1) {
            throw new ScenarioFailure(selector + " selects " + r.size() + " nodes " + r + "; this step takes one");
        }
        return r.get(0);
    }
}
