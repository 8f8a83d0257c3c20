package lab.cli;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import lab.etcd.EtcdHttp;
import lab.provider.ClusterStatus;
import lab.provider.NodeStatus;
import lab.report.StatusReport;
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
        List<String> alarms = alarms(lab, s, t);
        spec.commandLine().getOut().print(output.equals("json") ? StatusReport.json(s, alarms)
                : StatusReport.table(s, alarms));
        return ExitCode.OK;
    }

    /**
     * The cluster's alarms (NOSPACE when the backend reached its quota), named by member. etcd answers an alarm list
     * through raft, so it is asked only when there is a quorum, of the leader, within the status's own timeout.
     */
    private static List<String> alarms(lab.provider.Lab lab, ClusterStatus s, Duration t) {
        if (!s.quorum() || s.leader().isEmpty()) {
            return List.of();
        }
        try {
            String url = lab.node(s.leader().get()).clientUrl();
            List<String> out = new java.util.ArrayList<>();
            for (EtcdHttp.Alarm a : EtcdHttp.alarms(url, t)) {
                String id = Long.toHexString(a.memberId());
                out.add(a.alarm() + " on " + s.nodes().stream().filter(n -> n.memberId().equals(id))
                        .map(NodeStatus::name).findFirst().orElse(id));
            }
            return out;
        } catch (RuntimeException e) {
            return List.of(); // the quorum line already says what answered
        }
    }
}
