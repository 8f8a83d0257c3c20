package lab.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lab.scenario.ScenarioResult;
import lab.scenario.StepResult;

/** JUnit XML as CI systems read it: one testsuite per scenario, one testcase per step. */
public final class JunitXml {
    private JunitXml() {
    }

    public static Path write(ScenarioResult r, Path dir) throws IOException {
        long failures = r.steps().stream().filter(s -> s.status() == StepResult.Status.FAILED).count();
        long skipped = r.steps().stream().filter(s -> s.status() == StepResult.Status.SKIPPED).count();
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        b.append(String.format("<testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" "
                        + "time=\"%.3f\">%n", esc("scenario." + r.name()), Math.max(1, r.steps().size()), failures,
                errored(r) ? 1 : 0, skipped, r.seconds()));
        b.append("  <properties>\n");
        b.append(prop("file", r.file())).append(prop("probe.writes", Integer.toString(r.probeWrites())))
                .append(prop("probe.failures", Integer.toString(r.probeFailures())))
                .append(prop("new-leader-seconds", r.newLeader().toString()))
                .append(prop("recovery-seconds", r.recovery().toString()));
        if (r.workload() != null) {
            b.append(prop("workload.ok", Integer.toString(r.workload().ok())))
                    .append(prop("workload.unknown", Integer.toString(r.workload().unknown())))
                    .append(prop("workload.failed-reads", Integer.toString(r.workload().failedReads())))
                    .append(prop("workload.history", r.workload().history()));
            r.workload().checks().forEach((check, verdict) -> b.append(prop("check." + check, verdict)));
        }
        b.append("  </properties>\n");
        if (errored(r)) {
            String why = r.verdict() == ScenarioResult.Verdict.INTERRUPTED ? "interrupted" + (r.error() == null ? ""
                    : ": " + r.error()) : r.error();
            b.append(String.format("  <testcase classname=\"%s\" name=\"lab\" time=\"0\">%n    <error message=\"%s\"/>%n"
                    + "  </testcase>%n", esc("scenario." + r.name()), esc(why)));
        }
        for (StepResult s : r.steps()) {
            b.append(String.format("  <testcase classname=\"%s\" name=\"%s\" time=\"%.3f\"", esc("scenario." + r.name()),
                    esc(String.format("%02d %s", s.index(), s.step())), s.seconds()));
            switch (s.status()) {
                case PASSED -> b.append("/>\n");
                case SKIPPED -> b.append(">\n    <skipped/>\n  </testcase>\n");
                default -> b.append(String.format(">%n    <failure message=\"%s\">%s</failure>%n  </testcase>%n",
                        esc(s.message().lines().findFirst().orElse("")), esc(s.message())));
            }
        }
        b.append("</testsuite>\n");
        Files.createDirectories(dir);
        Path file = dir.resolve("TEST-scenario." + r.name() + ".xml");
        Files.writeString(file, b.toString());
        return file;
    }

    private static String prop(String name, String value) {
        return String.format("    <property name=\"%s\" value=\"%s\"/>%n", esc(name), esc(value));
    }

    /** An ERROR or an interrupted run: an error of the suite, not a failure of the cluster. */
    private static boolean errored(ScenarioResult r) {
        return r.verdict() == ScenarioResult.Verdict.ERROR || r.verdict() == ScenarioResult.Verdict.INTERRUPTED;
    }

    private static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> {
                    if (c >= 0x20 || c == '\n' || c == '\t') {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }
}
