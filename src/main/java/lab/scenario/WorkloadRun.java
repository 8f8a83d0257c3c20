package lab.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.etcd.RegisterClient;
import lab.history.CheckResult;
import lab.history.DataChecks;
import lab.history.HistoryJson;
import lab.history.HistoryTimeline;
import lab.history.Linearizability;
import lab.history.Op;
import lab.history.RegisterModel;
import lab.history.WatchCheck;
import lab.history.WatchHistory;
import lab.history.Watchers;
import lab.history.Verdict;
import lab.history.Workload;
import lab.provider.Lab;
import lab.provider.NodeState;
import lab.provider.Readiness;

/** A scenario's workload: started before the first step, stopped after the last, its history checked and saved. */
final class WorkloadRun {
    static final Duration OP_TIMEOUT = Duration.ofSeconds(1);
    static final Duration BUDGET = Duration.ofSeconds(60);
    private final Scenario sc;
    private final Workload workload;
    private final Watchers watchers;
    private final LeaderTrack leaders;
    private final long startedAt = System.nanoTime();

    private WorkloadRun(Scenario sc, Workload workload, Watchers watchers, LeaderTrack leaders) {
        this.sc = sc;
        this.workload = workload;
        this.watchers = watchers;
        this.leaders = leaders;
    }

    static WorkloadRun start(Scenario sc, Lab lab, long seed, Run run) {
        lab.history.WorkloadSpec spec = sc.workload();
        List<NodeState> members = lab.state().members().stream().filter(n -> !n.learner()).toList();
        List<String> every = members.stream().map(NodeState::clientUrl).toList();
        RegisterClient finals = new RegisterClient(every, OP_TIMEOUT);
        List<RegisterClient> perClient = new java.util.ArrayList<>();
        List<String> via = new java.util.ArrayList<>();
        if (spec.clientsPerMember() > 0) {
            // client c is pinned to member c % members: the clients of a member are spread over the run's indices
            List<RegisterClient> pinned = members.stream().map(n -> new RegisterClient(List.of(n.clientUrl()),
                    OP_TIMEOUT, spec.serializable())).toList();
            for (int c = 0; c < spec.clientsOn(members.size()); c++) {
                perClient.add(pinned.get(c % members.size()));
                via.add(members.get(c % members.size()).name());
            }
        } else {
            RegisterClient shared = spec.serializable() ? new RegisterClient(every, OP_TIMEOUT, true) : finals;
            for (int c = 0; c < spec.clients(); c++) {
                perClient.add(shared);
                via.add("");
            }
        }
        Workload w = new Workload(spec, perClient, via, finals);
        List<String> names = members.stream().map(NodeState::name).toList();
        Watchers watchers = null;
        if (spec.watchersOn(members.size()) > 0) {
            // from the revision before the first write, so that every watcher is judged on every write
            long start = 0;
            long give = System.nanoTime() + 10_000_000_000L;
            for (RegisterClient.Outcome o = finals.read(Workload.key(0)); ; o = finals.read(Workload.key(0))) {
                if (o.ok() || System.nanoTime() > give) {
                    start = o.revision();
                    break;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L); // as Workload.start waits
            }
            watchers = new Watchers(names, every, w, spec.watchersOn(members.size()), start);
            watchers.start();
        }
        w.start(seed);
        LeaderTrack leaders = new LeaderTrack(names, every, w::now);
        run.say("workload: " + spec + "; checks: " + String.join(", ", sc.checks())
                + (sc.expectFail().isEmpty() ? "" : "; expected to find an anomaly: "
                + String.join(", ", sc.expectFail())));
        if (watchers != null) {
            StringBuilder through = new StringBuilder();
            for (int i = 0; i < watchers.count(); i++) {
                through.append(i == 0 ? "" : ", ").append(i).append(" via ").append(watchers.firstMember(i));
            }
            run.say("watch: " + watchers.count() + " watcher(s) of " + Workload.PREFIX + "* from revision "
                    + (watchers.startRevision() + 1) + " (" + through + ")");
        }
        return new WorkloadRun(sc, w, watchers, leaders);
    }

    /**
     * Stops the clients; after a run whose steps passed, heals the network and restarts stopped members so that a
     * final linearizable read of every key can be made; then runs the checks, one step result each.
     */
    WorkloadReport finish(Lab lab, Run run, boolean stepsFailed, Path runsDir, List<StepResult> results) {
        try (workload; leaders; Watchers closing = watchers) {
            List<Op> ops = workload.stop();
            double seconds = Math.max(0.001, (System.nanoTime() - startedAt) / 1e9);
            double achieved = ops.size() / seconds;
            double requested = sc.workload().rate();
            Map<String, Optional<String>> finals = null;
            String noFinal = "";
            if (stepsFailed) {
                noFinal = "not checked: a step failed, so the lab is not healed for a final read";
            } else {
                try {
                    restore(lab);
                    finals = workload.finalReads();
                } catch (RuntimeException e) {
                    noFinal = "not checked: " + e.getMessage();
                }
            }
            WatchHistory watched = null;
            List<String> notes = new java.util.ArrayList<>();
            if (watchers != null) {
                // judged on every acknowledged write only when the lab was healed and they had time to deliver them
                boolean judged = finals != null;
                boolean caughtUp = judged && watchers.awaitCaughtUp(Duration.ofSeconds(10));
                watched = watchers.history(judged);
                int events = watched.watchers().stream().mapToInt(List::size).sum();
                String line = String.format("watch: %d watcher(s) delivered %d events of %d acknowledged writes%s; "
                        + "%d resume(s)", watched.watchers().size(), events, watched.writes().size(), judged
                        ? (caughtUp ? ", every watcher caught up" : ", NOT every watcher caught up within 10 s")
                        : "", watched.resumes().size());
                run.say(line);
                notes.add(line);
                for (WatchHistory.Resume r : watched.resumes()) {
                    String x = String.format("watcher %d resumed at %.3f s: %s -> %s from revision %d (%s)",
                            r.watcher(), r.at() / 1e9, r.from(), r.to(), r.after() + 1, r.why());
                    run.say("  " + x);
                    notes.add(x);
                }
            }
            int unknown = (int) ops.stream().filter(Op::pending).count();
            run.say(String.format("workload: %d operations (%d ok, %d unknown), %d failed reads; %.0f/s of the %.0f/s "
                    + "asked for", ops.size(), ops.size() - unknown, unknown, workload.failedReads(), achieved,
                    requested));
            if (achieved < 0.8 * requested) {
                // each client waits for an answer before its next operation: fewer, slower answers, fewer operations
                run.say(String.format("warning: the workload reached %.0f%% of its rate (%d clients waiting for "
                        + "answers); add clients, or read its checks as covering %.0f operations a second",
                        100 * achieved / requested, workload.clients(), achieved));
            }
            Map<String, CheckResult> verdicts = new LinkedHashMap<>();
            Map<String, String> summary = new LinkedHashMap<>();
            for (String check : sc.checks()) {
                double at = run.seconds();
                CheckResult r = switch (check) {
                    case "linearizable" -> Linearizability.checkPerKey(ops, new RegisterModel(), BUDGET);
                    case "no-stale-reads" -> DataChecks.noStaleReads(ops, workload::via);
                    case "watch" -> watched == null ? null : WatchCheck.check(watched);
                    default -> finals == null ? null : DataChecks.noLostWrites(ops, finals);
                };
                String text = "check " + check;
                if (r != null && sc.expectFail().contains(check)) {
                    // expect-fail: the scenario shows an anomaly; finding it is the pass, a clean history the failure
                    boolean found = r.verdict() == Verdict.FAIL;
                    verdicts.put(check, r);
                    summary.put(check, found ? "FOUND" : r.verdict() == Verdict.PASS ? "FAIL" : r.verdict().name());
                    // the first counterexample in the timeline; all of them in history.html
                    List<String> ex = r.explanation();
                    String detail = found ? ": " + ex.get(0) + (ex.size() > 1 ? " ... " + ex.get(ex.size() - 1)
                            + " (all of it in history.html)" : "")
                            : r.verdict() == Verdict.PASS ? ": no anomaly in " + r.operations() + " operations"
                            : ": " + String.join("; ", r.explanation());
                    text += " (expected to fail)";
                    run.say((found ? "ok   " : r.verdict() == Verdict.PASS ? "FAIL " : r.verdict() + " ") + text
                            + (found ? ": found, as expected" : "") + detail);
                    results.add(new StepResult(results.size() + 1, text, found ? StepResult.Status.PASSED
                            : StepResult.Status.FAILED, text, at, run.seconds() - at, found ? ""
                            : "expected the check to find an anomaly" + detail));
                    continue;
                }
                if (r == null) {
                    summary.put(check, "SKIPPED");
                    run.say("skip " + text + ": " + noFinal);
                    results.add(new StepResult(results.size() + 1, text, StepResult.Status.SKIPPED, text, at, 0,
                            noFinal));
                    continue;
                }
                verdicts.put(check, r);
                summary.put(check, r.verdict().name());
                String detail = r.explanation().isEmpty() ? "" : ": " + String.join("; ", r.explanation());
                run.say((r.verdict() == Verdict.PASS ? "ok   " : r.verdict() + " ") + text + " (" + r.operations()
                        + " operations, " + String.format("%.2f s", run.seconds() - at) + ")" + detail);
                results.add(new StepResult(results.size() + 1, text, r.verdict() == Verdict.PASS
                        ? StepResult.Status.PASSED : StepResult.Status.FAILED, text, at, run.seconds() - at,
                        r.verdict() == Verdict.PASS ? "" : r.verdict() + detail));
            }
            String id = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + sc.name();
            Path dir = runsDir.resolve(id);
            ScenarioRunner.writeQuietly(dir.resolve("history.json"), HistoryJson.write(ops));
            if (watched != null) {
                ScenarioRunner.writeQuietly(dir.resolve("watch.json"), HistoryJson.watch(watched));
            }
            ScenarioRunner.writeQuietly(dir.resolve("history.html"), HistoryTimeline.html("scenario " + sc.name(),
                    ops, verdicts, bands(results, run), workload::via, leaders.segments(), notes));
            run.say("history: " + dir.resolve("history.json") + ", timeline " + dir.resolve("history.html"));
            return new WorkloadReport(ops.size() - unknown, unknown, workload.failedReads(), summary, dir.toString(),
                    requested, achieved);
        }
    }

    private static final java.util.Set<String> FAULTS = java.util.Set.of("kill", "stop", "pause", "restart", "wipe",
            "isolate", "partition", "block", "delay", "replace-member");
    /** @param did a step's "did" ("kill core-02 (leader)") @return whether that step made a fault */
    static boolean isFault(String did) {
        return FAULTS.contains(did.split(" ", 2)[0]);
    }

    private static final java.util.Set<String> UNDOS = java.util.Set.of("start", "resume", "heal:");

    /**
     * Each fault step of the run (the scenario's own and a nemesis's) as a band from its start to the next step that
     * undoes a fault (start, resume, heal), or to its own end when nothing does (restart, replace-member).
     */
    private List<HistoryTimeline.Band> bands(List<StepResult> results, Run run) {
        List<HistoryTimeline.Band> out = new java.util.ArrayList<>();
        long origin = workload.origin();
        for (int i = 0; i < results.size(); i++) {
            StepResult r = results.get(i);
            String verb = r.did().split(" ", 2)[0];
            if (r.isCheck() || r.status() != StepResult.Status.PASSED || !FAULTS.contains(verb)) {
                continue;
            }
            double to = r.at() + r.seconds();
            if (!verb.equals("restart") && !verb.equals("replace-member")) {
                to = run.seconds();
                for (int j = i + 1; j < results.size(); j++) {
                    if (UNDOS.contains(results.get(j).did().split(" ", 2)[0])) {
                        to = results.get(j).at();
                        break;
                    }
                }
            }
            out.add(new HistoryTimeline.Band(r.did(), run.t0 + (long) (r.at() * 1e9) - origin,
                    run.t0 + (long) (to * 1e9) - origin));
        }
        return out;
    }

    /** Stops the clients without checking anything (the run ended before its steps did). */
    void abort() {
        workload.close();
        leaders.close();
        if (watchers != null) {
            watchers.close();
        }
    }

    /** Heals and restarts what a step left down, so that the cluster can answer the final read. */
    private static void restore(Lab lab) {
        ScenarioRunner.restore(lab);
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
    }
}
