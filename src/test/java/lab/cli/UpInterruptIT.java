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
import lab.testing.RecordedProcesses;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/** `lab up` that does not finish: a readiness timeout, and Ctrl-C. Either way nothing may stay running. */
class UpInterruptIT {
    @TempDir
    Path dir;

    @Test
    void aReadinessTimeoutNamesTheMemberShowsItsLogAndLeavesNothing() throws Exception {
        ProcessResult r = new ProcessExecutor().command(LauncherIT.LAB.toString(), "up", "--name", "slow", "--wait",
                "1ms").directory(dir.toFile()).readOutput(true).redirectErrorStream(true)
                .timeout(60, TimeUnit.SECONDS).execute();
        String out = r.outputUTF8();
        assertEquals(4, r.getExitValue(), out);
        assertTrue(out.contains("lab: the cluster was not ready within 1 ms: core-0"), out);
        assertTrue(out.contains("last lines of ") && out.contains("etcd.log"), out);
        assertFalse(Files.exists(dir.resolve(".lab/slow")), "removed after the failed bring-up");
    }

    @Test
    void ctrlCDuringUpStopsEverythingItStarted() throws Exception {
        // env --default-signal: a test run in the background (a non-interactive shell's `&`) inherits SIGINT ignored,
        // which a JVM cannot take back; Ctrl-C at a terminal reaches lab with SIGINT in place
        Process p = new ProcessBuilder("env", "--default-signal=INT,TERM", LauncherIT.LAB.toString(), "up",
                "--name", "intr").directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(dir.resolve("up.log").toFile()).start();
        List<long[]> pids = new ArrayList<>();
        Awaitility.await("lab up to start its members").atMost(Duration.ofSeconds(30)).pollInterval(
                Duration.ofMillis(20)).until(() -> {
                    pids.clear();
                    pids.addAll(RecordedProcesses.of(dir, "intr"));
                    return pids.stream().filter(x -> x[0] > 0).count() >= 2;
                });
        new ProcessExecutor().command("kill", "-INT", Long.toString(p.pid())).execute();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "lab up exits on Ctrl-C");
        String said = Files.readString(dir.resolve("up.log"));
        assertEquals(130, p.exitValue(), said);
        assertTrue(said.contains("lab: interrupted while lab intr came up; nothing of it is left running"), said);
        // Whatever the interrupted bring-up had started, by PID, is gone.
        List<long[]> last = RecordedProcesses.of(dir, "intr");
        if (!last.isEmpty()) {
            pids.addAll(last);
        }
        Awaitility.await("every process of the interrupted lab to exit").atMost(Duration.ofSeconds(15))
                .until(() -> pids.stream().noneMatch(RecordedProcesses::alive));
        assertFalse(Files.exists(dir.resolve(".lab/intr/state.json")), Files.readString(dir.resolve("up.log")));
    }
}
