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
import lab.etcd.EtcdHttp;
import lab.provider.Lab;
import lab.provider.NodeState;
import lab.provider.Readiness;
import lab.spec.SpecLoader;
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
     * Serializable reads through an isolated follower, on real etcd: the stale-read check fails on the history the
     * clients recorded (no fabricated operation), names the isolated member as the one the stale reads came through,
     * and the scenario, which expects that anomaly, passes. The same schedule with linearizable reads finds none, so
     * the scenario fails with "expected the check to find an anomaly": the anomaly is the serializable reads', not
     * the checker's.
     */
    @Test
    void serializableReadsThroughAnIsolatedMemberAreCaughtAsStale() {
        String yaml = """
                name: %s
                lab: {nodes: 3}
                workload: {clients-per-member: 2, rate: 60/s, keys: 2, reads: %s, mix: {read: 70, write: 30}}
                expect-fail: [no-stale-reads]
                steps:
                  - isolate: follower
                    as: cut
                  - sleep: 2s
                  - heal:
                  - expect: {healthy: 3, within: 30s}
                """;
        StringWriter out = new StringWriter();
        ScenarioResult stale = new ScenarioRunner(work, new PrintWriter(out, true), new ScenarioRunner.Options(null,
                false, 1, "lab", null, work.resolve(".lab/runs"))).run(ScenarioLoader.parse("stale.yaml",
                yaml.formatted("stale", "serializable"), Overrides.none()));
        assertEquals(ScenarioResult.Verdict.PASS, stale.verdict(), out.toString());
        assertEquals("FOUND", stale.workload().checks().get("no-stale-reads"), out.toString());
        String cut = out.toString().replaceAll("(?s).*isolate (core-0\\d).*", "$1");
        assertTrue(out.toString().matches("(?s).*stale read at [0-9.]+ s through " + cut + " \\(process \\d+\\).*"),
                "the counterexample names the isolated member " + cut + ":\n" + out);

        StringWriter out2 = new StringWriter();
        ScenarioResult clean = new ScenarioRunner(work, new PrintWriter(out2, true), new ScenarioRunner.Options(null,
                false, 1, "lab", null, work.resolve(".lab/runs"))).run(ScenarioLoader.parse("clean.yaml",
                yaml.formatted("clean", "linearizable"), Overrides.none()));
        assertEquals(ScenarioResult.Verdict.FAIL, clean.verdict(), out2.toString());
        assertTrue(out2.toString().contains("FAIL check no-stale-reads (expected to fail): no anomaly in"),
                out2.toString());
    }

    /**
     * A watcher through a member that is killed: its stream fails, it resumes through another member from its last
     * revision + 1, and the watch check finds no gap. The test reads the recorded watch.json and checks on its own
     * that watcher 0 delivered events through core-01 before the kill and through another member after it, and that
     * its revisions are exactly the acknowledged writes' plus those of writes whose answer was lost, none twice.
     */
    @Test
    void aWatcherThroughAKilledMemberResumesThroughAnotherWithoutAGap() throws Exception {
        StringWriter out = new StringWriter();
        ScenarioResult r = new ScenarioRunner(work, new PrintWriter(out, true), new ScenarioRunner.Options(null,
                false, 1, "lab", null, work.resolve(".lab/runs"))).run(ScenarioLoader.parse("watch.yaml", """
                name: watch
                lab: {nodes: 3}
                workload: {clients: 2, rate: 60/s, keys: 4, watch: {keys: prefix, clients: 3}}
                steps:
                  - sleep: 1s
                  - kill: core-01
                  - sleep: 2s
                  - start: core-01
                  - expect: {healthy: 3, within: 30s}
                """, Overrides.none()));
        assertEquals(ScenarioResult.Verdict.PASS, r.verdict(), out.toString());
        assertEquals("PASS", r.workload().checks().get("watch"), out.toString());
        assertTrue(out.toString().matches("(?s).*watcher 0 resumed at [0-9.]+ s: core-01 -> core-0[23] from "
                + "revision \\d+ \\(.*"), out.toString());
        Path json;
        try (var files = Files.walk(work.resolve(".lab/runs"))) {
            json = files.filter(f -> f.getFileName().toString().equals("watch.json")).findFirst().orElseThrow();
        }
        // the report: the leader over time (core-01 may lead at first; then another one does), latency, resumes
        String html = Files.readString(json.resolveSibling("history.html"));
        assertTrue(html.matches("(?s).*<title>leader core-0\\d, [0-9.]+-[0-9.]+ s</title>.*"), "a leader lane");
        assertTrue(html.contains("<circle "), "latency points");
        assertTrue(html.contains("watcher 0 resumed at "), "the resume is in the report");
        lab.history.WatchHistory h = lab.history.HistoryJson.readWatch(json.toString(), Files.readString(json));
        List<lab.history.WatchHistory.Event> w0 = h.watchers().get(0);
        assertEquals("core-01", w0.get(0).member(), "watcher 0 delivered through core-01 before the kill");
        assertTrue(w0.stream().anyMatch(e -> !e.member().equals("core-01")), "and through another after it");
        java.util.Set<Long> delivered = new java.util.TreeSet<>();
        w0.forEach(e -> assertTrue(delivered.add(e.revision()), "revision " + e.revision() + " delivered twice"));
        java.util.Set<Long> acknowledged = new java.util.TreeSet<>();
        h.writes().forEach(w -> acknowledged.add(w.revision()));
        assertTrue(delivered.containsAll(acknowledged), "every acknowledged write delivered: missing "
                + acknowledged.stream().filter(x -> !delivered.contains(x)).toList());
        // what else it delivered was made by writes whose answer never came
        w0.stream().filter(e -> !acknowledged.contains(e.revision())).forEach(e -> assertTrue(
                h.unacknowledged().contains(e.value()), "revision " + e.revision() + " " + e.value()));
    }

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

    /**
     * The write probe's unavailability against what a client of the test's own sees: the leader partitioned into a
     * 2-of-5 minority, the window the run reports is at least the time from the partition to the first write the
     * majority accepts. Before, one probe write tried every member in turn and reported 0.00 s.
     */
    @Test
    void theProbeReportsAtLeastTheUnavailabilityAClientSees() throws Exception {
        Lab lab = Lab.create(work, SpecLoader.parse("lab.yaml", "name: probe5\nnodes: 5\n",
                Overrides.none()).spec(), null, x -> { });
        try {
            Readiness.awaitCluster(lab, Duration.ofSeconds(30));
            java.util.concurrent.atomic.AtomicLong cutAt = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicLong firstAfter = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<String> endpoints = lab.state().members().stream().map(NodeState::clientUrl).toList();
            // The test's own client is the best a client can do: one writer per member, all at once, so the first
            // write accepted after the cut is when the cluster took writes again, not when a round-robin client
            // happened to come back to a member of the majority (a rotating client with a 300 ms deadline can lose
            // two deadlines on the cut-off pair after the election, and its figure is then its own, not etcd's).
            // A 150 ms deadline: a write a follower forwarded to the old leader is lost with the cut and waits out
            // its deadline, so after the election this client loses at most 150 ms, the probe at most its 500 ms.
            List<Thread> clients = new java.util.ArrayList<>();
            clients.add(new Thread(() -> {
                while (!stop.get() && cutAt.get() == 0) {
                    if (!lab.rules().cut().isEmpty()) {
                        cutAt.set(System.nanoTime());
                    }
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
            }));
            for (String ep : endpoints) {
                clients.add(new Thread(() -> {
                    while (!stop.get()) {
                        long start = System.nanoTime();
                        try {
                            EtcdHttp.put(ep, "/independent", "x", Duration.ofMillis(150));
                            long cut = cutAt.get();
                            if (cut != 0 && start > cut) {
                                firstAfter.accumulateAndGet(System.nanoTime(), (a, b) -> a == 0 ? b : Math.min(a, b));
                            }
                        } catch (RuntimeException e) {
                            // not accepted: this writer tries again
                        }
                    }
                }));
            }
            clients.forEach(Thread::start);
            Scenario sc = ScenarioLoader.parse("probe.yaml", """
                    name: probe
                    use: existing
                    steps:
                      - expect: {leader: any}
                      - partition: [[leader, follower], rest]
                      - expect: {leader: changed, within: 15s}
                      - sleep: 2s
                      - heal:
                      - expect: {healthy: 5, within: 30s}
                    """, Overrides.none());
            ScenarioResult r;
            try {
                r = new ScenarioRunner(work, new PrintWriter(new StringWriter(), true), new ScenarioRunner.Options(
                        null, false, 1, "probe5", null, work.resolve(".lab/runs"))).run(sc);
            } finally {
                stop.set(true);
                for (Thread c : clients) {
                    c.join();
                }
            }
            assertEquals(ScenarioResult.Verdict.PASS, r.verdict());
            double seen = (firstAfter.get() - cutAt.get()) / 1e9;
            double reported = r.outages().stream().mapToDouble(o -> o[1]).max().orElse(0);
            assertTrue(cutAt.get() > 0 && firstAfter.get() > 0, "the test's client saw the partition and a write after");
            assertTrue(reported >= seen - 0.3, "the run reported a longest window of " + reported + " s; a client of "
                    + "the test's own waited " + seen + " s from the partition to its first accepted write");
            System.out.printf("partition of the leader: the test's client waited %.2f s for a write, the run "
                    + "reported %.2f s unavailable%n", seen, reported);
        } finally {
            lab.destroy();
        }
    }
    /**
     * The lab's daemon (every peer link of a local lab) SIGKILLed while a step waits: the step fails at once with that
     * cause. Before, the members quietly lost each other and the step failed when its 15 s ran out, on "observed
     * leader none", with nothing saying the daemon was gone.
     */
    @Test
    void aDaemonThatDiesFailsTheRunningStepWithThatCause() throws Exception {
        Lab lab = Lab.create(work, SpecLoader.parse("lab.yaml", "name: gone\nnodes: 3\n", Overrides.none()).spec(),
                null, x -> { });
        try {
            Readiness.awaitCluster(lab, Duration.ofSeconds(30));
            long daemon = lab.state().daemonPid();
            Scenario sc = ScenarioLoader.parse("gone.yaml", """
                    name: gone
                    use: existing
                    steps:
                      - expect: {quorum: true}
                      - pause: follower
                      - expect: {leader: changed, within: 30s}
                      - expect: {quorum: true}
                    """, Overrides.none());
            StringWriter out = new StringWriter();
            Thread killer = new Thread(() -> {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("pause core-"));
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                ProcessHandle.of(daemon).ifPresent(ProcessHandle::destroyForcibly);
            });
            killer.start();
            ScenarioResult r = new ScenarioRunner(work, new PrintWriter(out, true), new ScenarioRunner.Options(null,
                    false, 1, "gone", null, work.resolve(".lab/runs"))).run(sc);
            killer.join();
            assertEquals(ScenarioResult.Verdict.FAIL, r.verdict(), out.toString());
            StepResult failed = r.steps().get(2);
            assertEquals(StepResult.Status.FAILED, failed.status(), out.toString());
            assertTrue(failed.message().startsWith("lab \"gone\"'s daemon (pid " + daemon + ") is gone, and with it "
                    + "every peer link between the members"), failed.message());
            assertTrue(failed.seconds() < 10, "failed when the daemon died, not when its 30 s ran out: "
                    + failed.seconds() + " s");
            assertEquals(StepResult.Status.SKIPPED, r.steps().get(3).status(), out.toString());
        } finally {
            lab.destroy();
        }
    }
}
