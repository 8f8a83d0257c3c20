package lab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import lab.history.CheckResult;
import lab.history.HistoryFiles;
import lab.history.KvModel;
import lab.history.Linearizability;
import lab.history.RegisterModel;
import lab.history.Verdict;
import lab.spec.BadInputException;
import lab.spec.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "check", description = "Check saved histories for linearizability: lab check history FILE...")
final class CheckCommand extends LabVerb {

    @Command(name = "history", description = "Check histories (a scenario's history.json, Jepsen etcd logs, kv "
            + "histories) for linearizability: PASS, FAIL with a counterexample, or UNKNOWN when the budget runs out. "
            + "A history.json also gets the stale-read check.")
    int history(@Parameters(paramLabel = "FILE", arity = "1..*", description = "History files: a run's history.json, Jepsen etcd logs, kv histories.") List<Path> files,
                @Option(names = "--budget", paramLabel = "DURATION", defaultValue = "60s",
                        description = "Give up with UNKNOWN after this long per file (default: 60s).") String budget) {
        Duration limit = Durations.flag("--budget", budget);
        Verdict worst = Verdict.PASS;
        for (Path f : files) {
            String display = SpecOptions.display(top.workDir(), top.workDir().resolve(f));
            String text;
            try {
                text = Files.readString(top.workDir().resolve(f));
            } catch (IOException e) {
                throw new BadInputException(display + ": cannot read: " + e.getMessage());
            }
            long t0 = System.nanoTime();
            CheckResult r = switch (HistoryFiles.detect(display, text)) {
                case JEPSEN_REGISTER -> Linearizability.check(HistoryFiles.jepsen(display, text), new RegisterModel(),
                        limit);
                case KV -> Linearizability.checkPerKey(HistoryFiles.kv(display, text), new KvModel(), limit);
                case LAB_JSON -> labHistory(display, text, limit);
            };
            out().printf("%s: %s (%d operations, %d key(s), %.1f ms)%n", display, r.verdict(), r.operations(),
                    r.partitions(), (System.nanoTime() - t0) / 1e6);
            r.explanation().forEach(l -> out().println("  " + l));
            if (r.verdict() == Verdict.FAIL || (r.verdict() == Verdict.UNKNOWN && worst == Verdict.PASS)) {
                worst = r.verdict();
            }
        }
        return exit(worst);
    }

    /** A scenario's register history: linearizable per key, then no stale reads; the worse verdict of the two. */
    private CheckResult labHistory(String display, String text, Duration limit) {
        List<lab.history.Op> ops = lab.history.HistoryJson.read(display, text);
        CheckResult lin = Linearizability.checkPerKey(ops, new RegisterModel(), limit);
        CheckResult stale = lab.history.DataChecks.noStaleReads(ops);
        if (stale.verdict() == Verdict.FAIL && lin.verdict() != Verdict.FAIL) {
            return stale;
        }
        return lin;
    }

    private static int exit(Verdict worst) {
        return switch (worst) {
            case PASS -> ExitCode.OK;
            case FAIL -> ExitCode.CHECK_FAILED;
            case UNKNOWN -> ExitCode.UNKNOWN;
        };
    }
}
