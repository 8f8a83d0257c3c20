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
                          Path runsDir) {
    }

    private final Path workDir;
    private final PrintWriter out;
    private final Options options;

    public ScenarioRunner(Path workDir, PrintWriter out, Options options) {
        this.workDir = workDir;
        this.out = out;
        this.options = options;
    }

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
                    if (keep.equals("never")) {
                        lab.destroy(); // a lab that never became ready is not left behind
                    } else {
                        out.println("  lab " + lab.state().name() + " kept (keep: " + keep + "): lab down --name "
                                + lab.state().name());
                    }
                    throw notReady;
                }
            }
        } catch (RuntimeException e) {
            out.println("  lab: " + e.getMessage());
            return new ScenarioResult(sc.name(), sc.file(), sc.description(), ScenarioResult.Verdict.ERROR, List.of(),
                    (System.nanoTime() - t0) / 1e9, List.of(), List.of(), List.of(), 0, 0, null, e.getMessage(), null);
        }
        Run run = new Run(lab, new Random(options.seed()), out);
        if (!sc.useExisting()) {
            run.say("lab " + lab.state().name() + " up: " + run.status().summary());
        }
        List<StepResult> results = new ArrayList<>();
        boolean failed = false;
        String artifacts = null;
        WorkloadRun workload = sc.workload() == null ? null : WorkloadRun.start(sc, lab, options.seed(), run);
        try (Measurements m = new Measurements(lab, run.t0, run::say)) {
            run.measurements = m;
            for (int i = 0; i < sc.steps().size(); i++) {
                Step step = sc.steps().get(i);
                if (failed) {
                    results.add(new StepResult(i + 1, step.text(), StepResult.Status.SKIPPED, "", run.seconds(), 0,
                            "not run: an earlier step failed"));
                    continue;
                }
                if (options.stepMode()) {
                    Trainer.explain(step, run, out, options.input());
                }
                StepResult r = runStep(i + 1, step, run);
                results.add(r);
                failed = r.status() == StepResult.Status.FAILED;
            }
            boolean stepsFailed = failed;
            WorkloadReport report = workload == null ? null : workload.finish(lab, run, failed, options.runsDir(),
                    results);
            boolean unknown = report != null && report.checks().containsValue("UNKNOWN");
            failed = failed || (report != null && report.checks().containsValue("FAIL"));
            if (stepsFailed) {
                artifacts = Artifacts.save(options.runsDir(), sc, lab, run, results);
                run.say("artifacts of the failure: " + artifacts);
            }
            m.close();
            out.println("  " + m.summary());
            ScenarioResult result = new ScenarioResult(sc.name(), sc.file(), sc.description(),
                    failed ? ScenarioResult.Verdict.FAIL : unknown ? ScenarioResult.Verdict.UNKNOWN
                            : ScenarioResult.Verdict.PASS, results,
                    (System.nanoTime() - t0) / 1e9, m.outages, m.newLeader, m.recovery, m.writes(), m.failures(),
                    artifacts != null ? artifacts : report != null ? report.history() : null, null, report);
            finish(sc, lab, run, stepsFailed);
            out.println("  " + result.verdict() + " " + sc.name() + String.format(" in %.1f s", result.seconds()));
            return result;
        }
    }

    private StepResult runStep(int index, Step step, Run run) {
        double at = run.seconds();
        try {
            if (step.isExpect()) {
                Optional<String> failure = Expectations.check(step, run);
                if (failure.isPresent() && !step.within().isZero()) {
                    failure = retry(step, run);
                }
                if (failure.isPresent()) {
                    String msg = failure.get() + "\n" + lab.report.StatusReport.table(run.status());
                    run.say("FAIL " + step.text() + ": " + failure.get());
                    return new StepResult(index, step.text(), StepResult.Status.FAILED, step.text(), at,
                            run.seconds() - at, msg);
                }
                run.say("ok   " + step.text() + (step.within().isZero() ? "" : String.format(" (after %.2f s)",
                        run.seconds() - at)));
                return new StepResult(index, step.text(), StepResult.Status.PASSED, step.text(), at,
                        run.seconds() - at, "");
            }
            if (step.kind().equals("pause-for-demo")) {
                run.say("pause: " + step.arg("message"));
                Trainer.waitForEnter(out, options.input(), options.stepMode());
                return new StepResult(index, step.text(), StepResult.Status.PASSED, "pause-for-demo", at, 0, "");
            }
            String did = Actions.run(step, run);
            run.say(did);
            return new StepResult(index, step.text(), StepResult.Status.PASSED, did, at, run.seconds() - at, "");
        } catch (ScenarioFailure | lab.spec.BadInputException | EnvironmentException | lab.etcd.EtcdException e) {
            run.say("FAIL " + step.text() + ": " + e.getMessage());
            return new StepResult(index, step.text(), StepResult.Status.FAILED, step.text(), at, run.seconds() - at,
                    e.getMessage());
        }
    }

    private static Optional<String> retry(Step step, Run run) {
        java.util.concurrent.atomic.AtomicReference<Optional<String>> last =
                new java.util.concurrent.atomic.AtomicReference<>();
        try {
            Awaitility.await(step.text()).atMost(step.within()).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        last.set(Expectations.check(step, run));
                        return last.get().isEmpty();
                    });
            return Optional.empty();
        } catch (ConditionTimeoutException e) {
            return last.get() == null ? Optional.of("not true within " + step.within()) : last.get().map(
                    f -> f + " (still, after " + step.within().toMillis() / 1000.0 + " s)");
        }
    }

    /** The keep policy: the command line's, else the scenario's. */
    private String keep(Scenario sc) {
        return options.keep() != null ? options.keep() : sc.keep();
    }

    /** finally: heal, then keep or take down the lab as the policy says. */
    private void finish(Scenario sc, Lab lab, Run run, boolean failed) {
        String keep = keep(sc);
        boolean keepLab = sc.useExisting() || keep.equals("always") || (keep.equals("on-failure") && failed);
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
