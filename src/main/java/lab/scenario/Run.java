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
        out.printf("  t+%6.2fs  %s%n", seconds(), what);
        out.flush();
    }

    double seconds() {
        return (System.nanoTime() - t0) / 1e9;
    }

    ClusterStatus status() {
        return StatusProbe.probe(lab, Duration.ofMillis(400));
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
