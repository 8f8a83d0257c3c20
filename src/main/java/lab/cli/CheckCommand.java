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

    @Command(name = "history", description = "Check histories (Jepsen etcd logs, kv histories): PASS, FAIL with "
            + "a counterexample, or UNKNOWN when the budget runs out.")
    int history(@Parameters(paramLabel = "FILE", arity = "1..*") List<Path> files,
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
            };
            out().printf("%s: %s (%d operations, %d key(s), %.1f ms)%n", display, r.verdict(), r.operations(),
                    r.partitions(), (System.nanoTime() - t0) / 1e6);
            r.explanation().forEach(l -> out().println("  " + l));
            if (r.verdict() == Verdict.FAIL || (r.verdict() == Verdict.UNKNOWN && worst == Verdict.PASS)) {
                worst = r.verdict();
            }
        }
        return switch (worst) {
            case PASS -> ExitCode.OK;
            case FAIL -> ExitCode.CHECK_FAILED;
            case UNKNOWN -> ExitCode.UNKNOWN;
        };
    }
}
