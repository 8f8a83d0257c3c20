package lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.provider.LabDir;
import lab.spec.Overrides;
import lab.spec.Pos;
import lab.testing.RecordedProcesses;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scenario runner on real local labs, where things go wrong in ways a scenario file cannot say. */
class ScenarioRunnerIT {
    @TempDir
    Path work;

    /**
     * A step that throws what no step should (an error of lab's own, here a step kind the actions do not know)
     * in the middle of a run with a workload: the scenario is an ERROR with the message, its clients and probe stop,
     * its artifacts are written, and its lab goes, every process of it. Before, the exception left the runner,
     * the workload was never stopped and the lab stayed up.
     */
    @Test
    void aStepThatThrowsEndsAsAnErrorAndLeavesNothingRunning() throws Exception {
        Scenario parsed = ScenarioLoader.parse("boom.yaml", """
                name: boom
                lab: {nodes: 3}
                workload: {clients: 2, rate: 50/s, keys: 4}
                steps:
                  - expect: {quorum: true}
                  - sleep: 1s
                  - expect: {healthy: 3}
                """, Overrides.none());
        List<Step> steps = new ArrayList<>(parsed.steps());
        steps.add(2, new Step("no-such-kind", Map.of(), null, Duration.ZERO, Pos.start("boom.yaml"), "boom"));
        Scenario sc = new Scenario(parsed.name(), parsed.description(), parsed.file(), parsed.lab(), false, steps,
                parsed.heal(), "never", parsed.workload(), parsed.checks());
        StringWriter out = new StringWriter();
        List<long[]> seen = new ArrayList<>();
        Thread watcher = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                RecordedProcesses.of(work, sc.lab().name()).stream().filter(p -> p[0] > 0)
                        .filter(p -> seen.stream().noneMatch(q -> q[0] == p[0])).forEach(seen::add);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        watcher.start();
        ScenarioResult r;
        try {
            r = new ScenarioRunner(work, new PrintWriter(out, true), new ScenarioRunner.Options(null, false, 1,
                    "lab", null, work.resolve(".lab/runs"))).run(sc);
        } finally {
            watcher.interrupt();
            watcher.join();
        }
        assertEquals(ScenarioResult.Verdict.ERROR, r.verdict(), out.toString());
        assertTrue(r.error().contains("no-such-kind"), r.error());
        assertEquals(StepResult.Status.SKIPPED, r.steps().get(r.steps().size() - 1).status(), out.toString());
        assertTrue(r.artifacts() != null && Files.exists(Path.of(r.artifacts()).resolve("steps.txt")));
        assertFalse(seen.isEmpty(), "the lab ran");
        assertEquals(List.of(), LabDir.list(work), "the lab is gone (keep: never)");
        Awaitility.await("every process of the lab to be gone").atMost(Duration.ofSeconds(10))
                .until(() -> seen.stream().noneMatch(RecordedProcesses::alive));
        int lines = out.toString().split("\n").length;
        Thread.sleep(500);
        assertEquals(lines, out.toString().split("\n").length, "nothing is printed after the verdict");
    }
}
