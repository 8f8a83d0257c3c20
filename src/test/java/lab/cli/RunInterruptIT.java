package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.provider.LabDir;
import lab.testing.RecordedProcesses;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * `lab run` cancelled mid-scenario, as a cancelled CI job (SIGTERM) or Ctrl-C (SIGINT) does it: the run stops, says
 * so, writes what it did (journal, artifacts), takes its lab down and exits 143 or 130, leaving nothing running.
 */
class RunInterruptIT {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "SIG{0}")
    @CsvSource({"TERM, 143", "INT, 130"})
    void aSignalMidScenarioEndsTheRunCleanly(String signal, int code) throws Exception {
        String name = "slow-" + signal.toLowerCase(java.util.Locale.ROOT);
        Files.writeString(dir.resolve(name + ".yaml"), """
                lab: {nodes: 3}
                workload: {clients: 2, rate: 50/s, keys: 4}
                steps:
                  - expect: {quorum: true}
                  - kill: leader
                  - sleep: 60s
                  - expect: {healthy: 3}
                """);
        Path log = dir.resolve("run.log");
        // env --default-signal: a test run in the background inherits SIGINT ignored, which a JVM cannot take back
        Process p = new ProcessBuilder("env", "--default-signal=INT,TERM", LauncherIT.LAB.toString(), "run",
                name + ".yaml", "--json", "journal.json")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Awaitility.await("the scenario to reach its sleep").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100)).until(() -> Files.readString(log).contains("kill core-"));
            List<long[]> pids = new ArrayList<>(RecordedProcesses.of(dir, "run-" + name));
            assertFalse(pids.isEmpty(), "the run's lab is up");
            new ProcessExecutor().command("kill", "-" + signal, Long.toString(p.pid())).execute();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "lab run ends after SIG" + signal);
            String out = Files.readString(log);
            assertEquals(code, p.exitValue(), out);
            assertTrue(out.contains("lab: interrupted (SIG" + signal + ")"), out);
            assertTrue(out.contains("INTERRUPTED " + name), out);
            assertTrue(Files.readString(dir.resolve("journal.json")).contains("INTERRUPTED"), "the journal says so");
            try (var runs = Files.list(dir.resolve(".lab/runs"))) {
                Path run = runs.filter(d -> d.getFileName().toString().endsWith(name)).findFirst().orElseThrow();
                assertTrue(Files.readString(run.resolve("steps.txt")).contains("SKIPPED"), "the artifacts were "
                        + "written, the steps not run marked");
            }
            assertEquals(List.of(), LabDir.list(dir), "lab ls shows no lab");
            Awaitility.await("every process of the run's lab to be gone").atMost(Duration.ofSeconds(10))
                    .until(() -> pids.stream().noneMatch(RecordedProcesses::alive));
        } finally {
            p.destroyForcibly();
            for (String lab : LabDir.list(dir)) {
                new ProcessExecutor().command(LauncherIT.LAB.toString(), "down", "--name", lab).directory(dir.toFile())
                        .execute();
            }
        }
    }
}
