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
        echo.accept(String.format("t+%6.2fs  %s", at, what));
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
        return resolveFault(kind, selector, null);
    }

    /** As {@link #resolveFault(String, String)}, for a step the trainer's preview may have pinned. */
    List<String> resolveFault(Step step) {
        return resolveFault(step.kind(), step.arg("target"), pinned.remove(step));
    }

    private List<String> resolveFault(String kind, String selector, List<String> pin) {
        String undoKey = kind + ":" + selector;
        if (ROLES.contains(selector) && taken.containsKey(undoKey)) {
            List<String> undone = taken.remove(undoKey);
            return pin != null ? pin : undone;
        }
        List<String> nodes = pin != null ? pin : resolve(selector);
        if (ROLES.contains(selector)) {
            switch (kind) {
                case "pause" -> taken.put("resume:" + selector, nodes);
                case "kill", "stop", "wipe" -> taken.put("start:" + selector, nodes);
                default -> { }
            }
        }
        return nodes;
    }

    /** Nodes the trainer's preview named for a step, which the step then hits (by identity of the step). */
    private final Map<Step, List<String>> pinned = new java.util.IdentityHashMap<>();

    /**
     * Resolves the step's target now, as the step would, and pins it: `lab run --step` names the nodes before the
     * trainer presses Enter, and the step hits those, even if the roles changed meanwhile (it announced core-03 as
     * the follower and then killed core-02, which had become the follower while the trainer talked).
     */
    List<String> pin(Step step) {
        String selector = step.arg("target");
        String undoKey = step.kind() + ":" + selector;
        List<String> nodes = ROLES.contains(selector) && taken.containsKey(undoKey) ? taken.get(undoKey)
                : step.kind().equals("isolate") ? List.of(resolveOne(selector)) : resolve(selector);
        pinned.put(step, nodes);
        return nodes;
    }

    /** The one node pinned for a step, if the preview pinned one. */
    java.util.Optional<String> pinnedOne(Step step) {
        List<String> p = pinned.remove(step);
        return p == null || p.size() != 1 ? java.util.Optional.empty() : java.util.Optional.of(p.get(0));
    }

    /** Where the run's timeline also goes (the lab's page); set by the runner. */
    java.util.function.Consumer<String> echo = line -> { };
    /** Told when the run waits for the trainer (true, with what comes next) and when it goes on (false). */
    java.util.function.BiConsumer<String, Boolean> stepWait = (text, waiting) -> { };

    void onStep(String text, boolean waiting) {
        stepWait.accept(text, waiting);
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
