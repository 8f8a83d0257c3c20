package lab.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import lab.provider.ClusterStatus;
import lab.report.StatusReport;
import lab.provider.Recovery;
import lab.provider.StatusProbe;
import lab.spec.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "status", description = "A row per node and the quorum line; answers even with members down.")
final class StatusCommand extends RunningLabVerb implements Callable<Integer> {
    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table", description = "table or json.")
    String output;

    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "400ms",
            description = "How long to wait for each node (default: 400ms).")
    String timeout;

    @Override
    public Integer call() {
        if (!output.equals("table") && !output.equals("json")) {
            throw new BadInputException("unknown --output \"" + output + "\"; use table or json");
        }
        Duration t = lab.spec.Durations.flag("--timeout", timeout);
        lab.provider.Lab lab = lab(false);
        ClusterStatus s = StatusProbe.probe(lab, t); // says when the daemon is gone
        List<String> alarms = Recovery.alarmsByMember(lab, s, t);
        spec.commandLine().getOut().print(output.equals("json") ? StatusReport.json(s, alarms)
                : StatusReport.table(s, alarms));
        return ExitCode.OK;
    }
}
