package lab.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import lab.provider.LabDir;
import lab.report.JunitXml;
import lab.report.Journal;
import lab.report.Table;
import lab.scenario.Scenario;
import lab.scenario.ScenarioLoader;
import lab.scenario.ScenarioResult;
import lab.scenario.ScenarioRunner;
import lab.spec.BadInputException;
import lab.spec.Overrides;
import lab.spec.Problem;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "run", description = "Run YAML failure-injection scenarios; a verdict per scenario, JUnit XML, JSON.")
final class RunCommand extends LabVerb implements Callable<Integer> {
    @Parameters(paramLabel = "FILE|DIR", arity = "1..*", description = "Scenario files, or directories of them.")
    List<Path> paths;

    @Option(names = "--junit", paramLabel = "DIR", description = "Write JUnit XML here (one file per scenario).")
    Path junit;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON journal of every scenario here.")
    Path json;

    @Option(names = "--keep", paramLabel = "WHEN", description = "Keep the lab: always, never or on-failure "
            + "(default: the scenario's keep:, else never).")
    String keep;

    @Option(names = "--step", description = "Trainer mode: explain each step and wait for Enter.")
    boolean step;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1",
            description = "Seed for random selectors (default: 1), so a run repeats.")
    long seed;

    @Option(names = "--parallel", paramLabel = "N", defaultValue = "1",
            description = "Run up to N scenarios at once, each on its own lab (default: 1).")
    int parallel;

    @Option(names = "--name", paramLabel = "NAME", description = "The running lab for scenarios with use: existing.")
    String name;

    @Option(names = "--provider", paramLabel = "P", description = "local (default), netns or vagrant: where every "
            + "scenario's lab runs.")
    String provider;

    @Option(names = "--subnet", paramLabel = "CIDR", description = "The lab network of every scenario's lab, like "
            + "10.77.1.0/24 (netns and vagrant labs; node addresses follow it).")
    String subnet;

    @Override
    public Integer call() {
        if (name != null && !lab.spec.SpecChecks.labName(name)) {
            throw new BadInputException("--name: " + lab.spec.SpecChecks.labNameProblem(name));
        }
        if (keep != null && !Set.of("always", "never", "on-failure").contains(keep)) {
            throw new BadInputException("--keep takes always, never or on-failure, got \"" + keep + "\"");
        }
        Overrides o = new Overrides(null, null, SpecOptions.parse("--provider", provider, lab.spec.ProviderKind::parse,
                lab.spec.ProviderKind.values()), null, null, SpecOptions.subnet(subnet));
        List<Scenario> scenarios = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Path f : files(problems)) {
            try {
                scenarios.add(ScenarioLoader.load(f, SpecOptions.display(top.workDir(), f), o));
            } catch (BadInputException e) {
                problems.addAll(e.problems());
                if (e.problems().isEmpty()) {
                    throw e;
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(problems);
        }
        if (parallel < 1 || (parallel > 1 && step)) {
            throw new BadInputException(parallel < 1 ? "--parallel must be at least 1" : "--step waits for Enter "
                    + "before every step: run one scenario at a time (leave out --parallel)");
        }
        if (parallel > 1) {
            java.util.Map<String, String> subnets = new java.util.HashMap<>();
            for (Scenario sc : scenarios) {
                if (sc.lab() != null && sc.lab().provider() != lab.spec.ProviderKind.LOCAL) {
                    String other = subnets.put(sc.lab().subnet().toString(), sc.name());
                    if (other != null) {
                        throw new BadInputException("scenarios " + other + " and " + sc.name() + " would bring up "
                                + sc.lab().provider().toString().toLowerCase(java.util.Locale.ROOT) + " labs on the "
                                + "same subnet " + sc.lab().subnet() + " at once: run them without --parallel, or "
                                + "give each its own subnet: in its lab: block");
                    }
                }
            }
        }
        if (parallel > 1 && scenarios.stream().anyMatch(Scenario::useExisting)) {
            throw new BadInputException("scenarios with use: existing share one lab: run them without --parallel");
        }
        BufferedReader input = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        List<ScenarioResult> results;
        int interruptedCode;
        try (Cancellation cancel = Cancellation.install(err(), "the running scenario's lab may be left up")) {
            ScenarioRunner.Options opts = new ScenarioRunner.Options(keep, step, seed, name != null ? name : "lab",
                    input, top.workDir().resolve(LabDir.LABS).resolve("runs"), cancel::cancelled);
            results = parallel == 1 ? sequential(scenarios, opts, cancel) : concurrent(scenarios, opts);
            interruptedCode = cancel.cancelled() ? cancel.exitCode() : 0;
        }
        try {
            if (json != null) {
                Journal.write(results, top.workDir().resolve(json));
            }
            for (ScenarioResult r : results) {
                if (r.artifacts() != null) {
                    Journal.write(List.of(r), Path.of(r.artifacts()).resolve("journal.json"));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal: " + e.getMessage(), e);
        }
        summary(results);
        if (interruptedCode != 0) {
            err().println("lab: the run was interrupted; what it did is in the journal and .lab/runs/, and no lab of it "
                    + "is left running" + (keep != null && keep.equals("always") ? " (but those --keep always kept)"
                    : ""));
            return interruptedCode;
        }
        if (results.stream().anyMatch(r -> r.verdict() == ScenarioResult.Verdict.ERROR)) {
            return ExitCode.ENVIRONMENT;
        }
        if (results.stream().anyMatch(r -> r.verdict() == ScenarioResult.Verdict.FAIL)) {
            return ExitCode.CHECK_FAILED;
        }
        return results.stream().allMatch(r -> r.verdict() == ScenarioResult.Verdict.PASS) ? ExitCode.OK
                : ExitCode.UNKNOWN;
    }

    private List<ScenarioResult> sequential(List<Scenario> scenarios, ScenarioRunner.Options opts,
                                            Cancellation cancel) {
        ScenarioRunner runner = new ScenarioRunner(top.workDir(), out(), opts);
        List<ScenarioResult> results = new ArrayList<>();
        for (Scenario sc : scenarios) {
            if (cancel.cancelled()) {
                break; // the scenarios not started are not run
            }
            ScenarioResult r = runner.run(sc);
            results.add(r);
            reports(r);
        }
        return results;
    }

    /**
     * Each scenario on its own lab and thread; its timeline is printed as one block when it is done. A scenario that
     * fails in any way is that scenario's result: the others run to their end and take their labs down (no
     * scenario's lab is abandoned because another one broke), and the run waits for every one of them.
     */
    private List<ScenarioResult> concurrent(List<Scenario> scenarios, ScenarioRunner.Options opts) {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        List<java.util.concurrent.Future<ScenarioResult>> running = new ArrayList<>();
        for (Scenario sc : scenarios) {
            running.add(pool.submit(() -> {
                java.io.StringWriter buf = new java.io.StringWriter();
                ScenarioResult r;
                if (opts.cancelled().getAsBoolean()) {
                    r = notRun(sc, ScenarioResult.Verdict.INTERRUPTED, "not started: the run was interrupted");
                } else {
                    try {
                        r = new ScenarioRunner(top.workDir(), new java.io.PrintWriter(buf, true), opts).run(sc);
                    } catch (RuntimeException | Error e) {
                        r = notRun(sc, ScenarioResult.Verdict.ERROR, String.valueOf(e));
                    }
                }
                synchronized (this) {
                    out().print(buf);
                    out().flush();
                    reports(r);
                }
                return r;
            }));
        }
        pool.shutdown();
        List<ScenarioResult> results = new ArrayList<>();
        for (int i = 0; i < running.size(); i++) {
            while (true) {
                try {
                    results.add(running.get(i).get());
                    break;
                } catch (InterruptedException e) {
                    // a signal: the scenarios see it through opts.cancelled() and end; keep waiting for them
                } catch (java.util.concurrent.ExecutionException e) {
                    results.add(notRun(scenarios.get(i), ScenarioResult.Verdict.ERROR, String.valueOf(e.getCause())));
                    break;
                }
            }
        }
        return results;
    }

    private static ScenarioResult notRun(Scenario sc, ScenarioResult.Verdict v, String why) {
        return new ScenarioResult(sc.name(), sc.file(), sc.description(), v, List.of(), 0, List.of(), List.of(),
                List.of(), 0, 0, null, why, null, 0);
    }

    private void reports(ScenarioResult r) {
        if (junit != null) {
            try {
                JunitXml.write(r, top.workDir().resolve(junit));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write JUnit XML: " + e.getMessage(), e);
            }
        }
    }

    private void summary(List<ScenarioResult> results) {
        Table t = new Table("SCENARIO", "VERDICT", "STEPS", "CHECKS", "SECONDS", "NEW LEADER (S)", "UNAVAILABLE (S)",
                "RECOVERY (S)");
        for (ScenarioResult r : results) {
            t.row(r.name(), r.verdict(), passedOf(r, false), passedOf(r, true), String.format("%.1f", r.seconds()),
                    fmt(r.newLeader()), String.format("%.2f", r.outages().stream().mapToDouble(x -> x[1]).sum()),
                    fmt(r.recovery()));
        }
        out().println();
        out().print(t);
        long passed = results.stream().filter(r -> r.verdict() == ScenarioResult.Verdict.PASS).count();
        out().println(passed + " passed, " + (results.size() - passed) + " failed");
    }

    /** "passed/all" of the scenario's steps, or of its history checks ("" when it has none). */
    private static String passedOf(ScenarioResult r, boolean checks) {
        var of = r.steps().stream().filter(s -> s.isCheck() == checks).toList();
        long passed = of.stream().filter(s -> s.status() == lab.scenario.StepResult.Status.PASSED).count();
        return checks && of.isEmpty() ? "" : passed + "/" + of.size();
    }

    private static String fmt(List<Double> xs) {
        return xs.isEmpty() ? "" : String.join(" ", xs.stream().map(x -> String.format("%.2f", x)).toList());
    }

    /** The scenario files named (folders: their .yaml files); a name that is neither is a problem, reported with the rest. */
    private List<Path> files(List<Problem> problems) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            Path abs = top.workDir().resolve(p);
            if (Files.isDirectory(abs)) {
                try (Stream<Path> s = Files.list(abs)) {
                    s.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted()
                            .forEach(out::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else if (Files.isRegularFile(abs)) {
                out.add(abs);
            } else {
                problems.add(new Problem(lab.spec.Severity.ERROR, lab.spec.Pos.start(p.toString()),
                        "no such file or directory"));
            }
        }
        if (out.isEmpty() && problems.isEmpty()) {
            throw new BadInputException("no scenario files in " + paths);
        }
        return out;
    }
}
