package lab.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import lab.etcd.Member;
import lab.provider.NodeState;
import lab.provider.Lab;
import lab.provider.Membership;
import lab.report.StatusReport;

/**
 * What a failed run leaves for a person to read, in {@code .lab/runs/<id>/}: the status and the member list at the
 * failure, every node's log, and the steps (the JSON journal is added by the command that ran the scenario).
 */
final class Artifacts {
    private Artifacts() {
    }

    static String save(Path runsDir, Scenario sc, Lab lab, Run run, List<StepResult> steps) {
        String id = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")) + "-" + sc.name();
        Path dir = runsDir.resolve(id);
        ScenarioRunner.writeQuietly(dir.resolve("status.txt"), StatusReport.table(run.status()));
        StringBuilder members = new StringBuilder();
        try {
            for (Member m : Membership.list(lab)) {
                members.append(Long.toHexString(m.id())).append(' ').append(m.name()).append(' ')
                        .append(String.join(",", m.peerUrls())).append(m.learner() ? " learner" : "").append('\n');
            }
        } catch (RuntimeException e) {
            members.append("no member list: ").append(e.getMessage()).append('\n');
        }
        ScenarioRunner.writeQuietly(dir.resolve("members.txt"), members.toString());
        StringBuilder b = new StringBuilder();
        for (StepResult r : steps) {
            b.append(String.format("%2d %-7s t+%.2fs %s%n", r.index(), r.status(), r.at(), r.did()));
            if (!r.message().isEmpty()) {
                b.append("   ").append(r.message().replace("\n", "\n   ")).append('\n');
            }
        }
        ScenarioRunner.writeQuietly(dir.resolve("steps.txt"), b.toString());
        for (NodeState n : lab.state().nodes()) {
            Path log = lab.dir().log(n.name());
            if (Files.exists(log)) {
                try {
                    Files.createDirectories(dir.resolve("logs"));
                    Files.copy(log, dir.resolve("logs").resolve(n.name() + ".log"));
                } catch (IOException e) {
                    // best effort
                }
            }
        }
        return dir.toString();
    }
}
