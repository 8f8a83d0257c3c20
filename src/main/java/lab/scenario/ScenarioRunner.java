package lab.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import lab.provider.NodeState;
import lab.provider.Lab;
import lab.provider.Network;
import lab.provider.Readiness;
import lab.spec.EnvironmentException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Runs one scenario: brings its lab up (or opens the running one), runs the steps in order with a timeline,
 * measures availability throughout, stops at the first failure, saves artifacts when it failed, and takes the lab
 * down as the keep policy says.
 */
public final class ScenarioRunner {
    /**
     * @param keep always, never or on-failure; null for the scenario's own
     * @param stepMode trainer mode: explain each step and wait for Enter on {@code input}
     * @param labName with use: existing, the running lab
     */
    public record Options(String keep, boolean stepMode, long seed, String labName, BufferedReader input,
                          Path runsDir, java.util.function.BooleanSupplier cancelled) {
        /** Options for a run nobody cancels. */
        public Options(String keep, boolean stepMode, long seed, String labName, BufferedReader input, Path runsDir) {
            this(keep, stepMode, seed, labName, input, runsDir, () -> false);
        }
    }

    private final Path workDir;
    private final PrintWriter out;
    private final Options options;

    public ScenarioRunner(Path workDir, PrintWriter out, Options options) {
        this.workDir = workDir;
        this.out = out;
        this.options = options;
    }

    /**
     * Runs one scenario to a verdict. Whatever happens once its lab is up (a failed check, an error of lab's own,
     * a cancelled run), the clients and measurements stop, the artifacts are written and the lab is kept or taken
     * down as the keep policy says; an exception of lab's own is this scenario's ERROR, never an aborted run.
     */
    public ScenarioResult run(Scenario sc) {
        out.println("scenario " + sc.name() + (sc.description().isEmpty() ? "" : ": " + sc.description()));
        long t0 = System.nanoTime();
        Lab lab;
        try {
            if (sc.useExisting()) {
                lab = Lab.open(workDir, options.labName(), s -> { });
            } else {
                lab = Lab.create(workDir, sc.lab(), null, s -> { });
                try {
                    Readiness.awaitCluster(lab, Duration.ofSeconds(60));
                } catch (RuntimeException notReady) {
                    String keep = keep(sc);
                    if (keep.equals("never") || options.cancelled().getAsBoolean()) {
                        lab.destroy(); // a lab that never became ready is not left behind
                    } else {
                        out.println("  lab " + lab.state().name() + " kept (keep: " + keep + "): lab down --name "
                                + lab.state().name());
                    }
                    throw notReady;
                }
            }
        } catch (RuntimeException e) {
            boolean cancelled = options.cancelled().getAsBoolean();
            out.println("  lab: " + (cancelled ? "interrupted while the lab came up; taken down" : e.getMessage()));
            return new ScenarioResult(sc.name(), sc.file(), sc.description(), cancelled
                    ? ScenarioResult.Verdict.INTERRUPTED : ScenarioResult.Verdict.ERROR, List.of(),
                    (System.nanoTime() - t0) / 1e9, List.of(), List.of(), List.of(), 0, 0, null, e.getMessage(), null,
                    Measurements.PROBE_TIMEOUT.toMillis());
        }
        Run run = new Run(lab, new Random(options.seed()), out, options.cancelled());
        PageLink page = PageLink.of(lab);
        page.line("scenario " + sc.name() + (sc.description() == null || sc.description().isBlank() ? ""
                : ": " + sc.description().strip()));
        run.echo = page::line;
        run.stepWait = page::step;
        try {
            return run(sc, lab, run, page, t0);
        } finally {
            page.close();
        }
    }

    private ScenarioResult run(Scenario sc, Lab lab, Run run, PageLink page, long t0) {
        if (!sc.useExisting()) {
            run.say("lab " + lab.state().name() + " up: " + run.status().summary());
        }
        List<StepResult> results = new ArrayList<>();
        boolean stepsFailed = false;
        boolean interrupted = false;
        String error = null;
        String artifacts = null;
        WorkloadReport report = null;
        WorkloadRun workload = null;
        Measurements m = null;
        try {
            workload = sc.workload() == null ? null : WorkloadRun.start(sc, lab, options.seed(), run);
            m = new Measurements(lab, run.t0, run::say);
            run.measurements = m;
            for (int i = 0; i < sc.steps().size(); i++) {
                Step step = sc.steps().get(i);
                if (stepsFailed || interrupted || error != null || options.cancelled().getAsBoolean()) {
                    interrupted |= options.cancelled().getAsBoolean();
                    results.add(new StepResult(i + 1, step.text(), StepResult.Status.SKIPPED, "", run.seconds(), 0,
                            interrupted ? "not run: the run was interrupted" : "not run: an earlier step failed"));
                    continue;
                }
                if (options.stepMode()) {
                    Trainer.explain(step, run, out, options.input(), page::advanced);
                }
                StepResult r;
                double at = run.seconds();
                try {
                    r = step.kind().equals("nemesis")
                            ? Nemesis.run(i + 1, step, run, results, (index, s) -> runStep(index, s, run),
                                    options.seed())
                            : runStep(i + 1, step, run);
                } catch (RuntimeException e) {
                    // not the cluster's doing: lab's own error, the scenario's ERROR; the rest is not run
                    error = e.getMessage() == null ? e.toString() : e.getMessage();
                    run.say("ERROR " + step.text() + ": " + error + " (lab's own error, not the cluster's)");
                    r = new StepResult(i + 1, step.text(), StepResult.Status.FAILED, step.text(), at,
                            run.seconds() - at, "error of lab's own: " + error);
                }
                if (r.status() == StepResult.Status.FAILED && options.cancelled().getAsBoolean()) {
                    interrupted = true;
                    error = null; // the step failed because the run was cancelled under it
                    r = new StepResult(r.index(), r.step(), StepResult.Status.SKIPPED, r.did(), r.at(), r.seconds(),
                            "interrupted: " + r.message());
                }
                results.add(r);
                stepsFailed = r.status() == StepResult.Status.FAILED && error == null;
            }
            if (interrupted) {
                run.say("interrupted: the remaining steps were not run");
            } else if (workload != null && error == null) {
                WorkloadRun w = workload;
                workload = null; // finished here, or aborted below
                report = w.finish(lab, run, stepsFailed, options.runsDir(), results);
            }
        } catch (RuntimeException e) {
            interrupted |= options.cancelled().getAsBoolean();
            error = e.getMessage() == null ? e.toString() : e.getMessage();
            run.say((interrupted ? "interrupted: " : "ERROR (lab's own, not the cluster's): ") + error);
        } finally {
            if (workload != null) {
                workload.abort();
            }
            if (m != null) {
                m.close();
            }
        }
        boolean checksFailed = report != null && report.checks().containsValue("FAIL");
        boolean unknown = report != null && report.checks().containsValue("UNKNOWN");
        boolean failed = stepsFailed || checksFailed || error != null || interrupted;
        if (stepsFailed || (error != null && !interrupted) || interrupted) {
            artifacts = Artifacts.save(options.runsDir(), sc, lab, run, results);
            run.say((interrupted ? "artifacts of the interrupted run: " : "artifacts of the failure: ") + artifacts);
        }
        if (m != null) {
            out.println("  " + m.summary());
        }
        if (report != null && m != null) {
            // one line a person reads first: what ran, what broke, what the checks said
            long faults = results.stream().filter(r -> !r.isCheck() && r.status() == StepResult.Status.PASSED
                    && WorkloadRun.isFault(r.did())).count();
            out.println(String.format("  summary: %d operations (%d unknown), %d fault(s), %.2f s unavailable, %s",
                    report.ok() + report.unknown(), report.unknown(), faults, m.outages().stream()
                            .mapToDouble(x -> x[1]).sum(), String.join(", ", report.checks().entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue()).toList())));
        }
        ScenarioResult.Verdict verdict = interrupted ? ScenarioResult.Verdict.INTERRUPTED
                : error != null ? ScenarioResult.Verdict.ERROR
                : stepsFailed || checksFailed ? ScenarioResult.Verdict.FAIL
                : unknown ? ScenarioResult.Verdict.UNKNOWN : ScenarioResult.Verdict.PASS;
        try {
            finish(sc, lab, run, failed, interrupted);
        } catch (RuntimeException e) {
            out.println("  could not take the lab down: " + e.getMessage() + " (`lab down --name " + lab.state().name()
                    + "` retries)");
            if (verdict == ScenarioResult.Verdict.PASS) {
                verdict = ScenarioResult.Verdict.ERROR;
                error = "taking the lab down failed: " + e.getMessage();
            }
        }
        ScenarioResult result = new ScenarioResult(sc.name(), sc.file(), sc.description(), verdict, results,
                (System.nanoTime() - t0) / 1e9, m == null ? List.of() : m.outages(),
                m == null ? List.of() : m.newLeader(), m == null ? List.of() : m.recovery(),
                m == null ? 0 : m.writes(), m == null ? 0 : m.failures(),
                artifacts != null ? artifacts : report != null ? report.history() : null, error, report,
                Measurements.PROBE_TIMEOUT.toMillis());
        out.println("  " + result.verdict() + " " + sc.name() + String.format(" in %.1f s", result.seconds()));
        page.line(result.verdict() + " " + sc.name() + String.format(" in %.1f s", result.seconds()));
        return result;
    }

    private StepResult runStep(int index, Step step, Run run) {
        double at = run.seconds();
        try {
            run.lab.requireDaemon(); // a step on a lab without its daemon would fail later on something else
            if (step.isExpect()) {
                Optional<String> failure = Expectations.check(step, run);
                if (failure.isPresent() && !step.within().isZero()) {
                    failure = retry(step, run);
                }
                if (failure.isPresent() && run.lab.daemonProblem().isPresent()) {
                    failure = run.lab.daemonProblem(); // the cause, not what it caused
                }
                if (failure.isPresent()) {
                    String msg = failure.get() + "\n" + lab.report.StatusReport.table(run.status());
                    run.sayAt(at, "FAIL " + step.text() + ": " + failure.get());
                    run.sayTable(lab.report.StatusReport.table(run.status()));
                    return new StepResult(index, step.text(), StepResult.Status.FAILED, step.text(), at,
                            run.seconds() - at, msg);
                }
                run.sayAt(at, "ok   " + step.text() + (step.within().isZero() ? "" : String.format(" (after %.2f s)",
                        run.seconds() - at)));
                return new StepResult(index, step.text(), StepResult.Status.PASSED, step.text(), at,
                        run.seconds() - at, "");
            }
            if (step.kind().equals("pause-for-demo")) {
                run.sayAt(at, "pause: " + step.arg("message"));
                Trainer.waitForEnter(out, options.input(), options.stepMode());
                return new StepResult(index, step.text(), StepResult.Status.PASSED, "pause-for-demo", at, 0, "");
            }
            String did = Actions.run(step, run);
            run.sayAt(at, did);
            return new StepResult(index, step.text(), StepResult.Status.PASSED, did, at, run.seconds() - at, "");
        } catch (ScenarioFailure | lab.spec.BadInputException | EnvironmentException | lab.etcd.EtcdException e) {
            String why = run.lab.daemonProblem().orElse(e.getMessage()); // the daemon's death, not what it caused
            run.sayAt(at, (options.cancelled().getAsBoolean() ? "stopped " : "FAIL ") + step.text() + ": " + why);
            return new StepResult(index, step.text(), StepResult.Status.FAILED, step.text(), at, run.seconds() - at,
                    why);
        }
    }

    private static Optional<String> retry(Step step, Run run) {
        java.util.concurrent.atomic.AtomicReference<Optional<String>> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Awaitility.await(step.text()).atMost(step.within()).pollInterval(Duration.ofMillis(100))
                    .failFast("the run was interrupted", run.cancelled::getAsBoolean)
                    .until(() -> {
                        Optional<String> gone = run.lab.daemonProblem();
                        last.set(gone.isPresent() ? gone : Expectations.check(step, run));
                        return last.get().isEmpty() || gone.isPresent();
                    });
            return last.get();
        } catch (ConditionTimeoutException e) {
            return last.get() == null ? Optional.of("not true within " + lab.spec.Durations.format(step.within())) : last.get().map(
                    f -> f + " (still, after " + step.within().toMillis() / 1000.0 + " s)");
        }
    }

    /** The keep policy: the command line's, else the scenario's. */
    private String keep(Scenario sc) {
        return options.keep() != null ? options.keep() : sc.keep();
    }

    /**
     * finally: heal, then keep or take down the lab as the policy says. An interrupted run's lab goes, unless the
     * policy keeps labs always (a cancelled CI job must not leave one behind).
     */
    private void finish(Scenario sc, Lab lab, Run run, boolean failed, boolean interrupted) {
        String keep = keep(sc);
        boolean keepLab = sc.useExisting() || keep.equals("always") || (keep.equals("on-failure") && failed
                && !interrupted);
        // A lab kept because the run failed stays as it was at the failure, for a person to look at.
        boolean heal = sc.heal() && (sc.useExisting() || !failed);
        if (keepLab && heal) {
            try {
                restore(lab);
                run.say("finally: healed the network and restarted stopped members");
            } catch (RuntimeException e) {
                run.say("finally: heal failed: " + e.getMessage());
            }
        }
        if (keepLab) {
            if (!sc.useExisting()) {
                out.println("  the lab is kept" + (failed ? " as it was at the failure" : "") + ": `lab status --name "
                        + lab.state().name() + "` to look at it, `lab down --name " + lab.state().name()
                        + "` to remove it");
            }
        } else {
            lab.destroy();
            if (interrupted) {
                out.println("  the lab " + lab.state().name() + " was taken down");
            }
        }
    }

    /** Heals the network, resumes paused members and starts the ones a step left down (not removed or wiped). */
    static void restore(Lab lab) {
        Network.heal(lab);
        for (NodeState n : lab.state().members()) {
            if (n.process() == NodeState.Process.PAUSED) {
                lab.resume(n.name());
            } else if (n.process() != NodeState.Process.RUNNING && n.process() != NodeState.Process.REMOVED
                    && n.process() != NodeState.Process.WIPED) {
                lab.start(n.name());
            }
        }
    }

    static void writeQuietly(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            // artifacts are best effort; the verdict stands without them
        }
    }
}
