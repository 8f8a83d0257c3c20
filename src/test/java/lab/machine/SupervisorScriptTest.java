package lab.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * The netns nodes' supervisor script (lab-etcd) with an etcd that exited by itself and is still a zombie (its parent
 * has not reaped it), as a removed member's etcd is until PID 1 gets to it: wipe must delete the data directory.
 * It once deleted "Z/data" instead (its process-state check overwrote the state directory's variable), so the
 * member nemesis replaced on netns restarted with its old identity and crashed.
 */
class SupervisorScriptTest {
    @TempDir
    Path dir;

    ProcessResult supervisor(Path script, Path state, String... verb) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("sh", script.toString()));
        cmd.addAll(java.util.List.of(verb));
        return new ProcessExecutor().command(cmd).environment("LAB_NODE_STATE", state.toString())
                .directory(dir.toFile()).readOutput(true).redirectErrorStream(true).timeout(10, TimeUnit.SECONDS)
                .execute();
    }

    @Test
    void wipeAndStopHandleAnEtcdThatIsAZombie() throws Exception {
        Path runtime = Files.createDirectories(dir.resolve("run"));
        Path script = runtime.resolve("lab-etcd");
        try (InputStream in = NamespaceProfile.class.getResourceAsStream(NamespaceProfile.SUPERVISOR)) {
            Files.copy(in, script);
        }
        Path state = Files.createDirectories(dir.resolve("state"));
        Files.createDirectories(state.resolve("data/member/wal"));
        Files.writeString(state.resolve("data/member/wal/0.wal"), "old identity");
        // a child that exits at once under a parent that never waits: a zombie for as long as the parent sleeps
        Process parent = new ProcessBuilder("sh", "-c", "sleep 0 & echo $!; exec sleep 30").start();
        try {
            String zombie = new java.io.BufferedReader(new java.io.InputStreamReader(parent.getInputStream()))
                    .readLine().trim();
            long t0 = System.nanoTime();
            while (!Files.readString(Path.of("/proc", zombie, "stat")).replaceFirst("^.*\\) ", "").startsWith("Z")) {
                assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the child became a zombie");
                Thread.sleep(20);
            }
            Files.writeString(runtime.resolve("etcd.pid"), zombie + "\n");
            assertEquals("", supervisor(script, state, "pid").outputUTF8().trim(), "a zombie is not running");
            assertEquals(0, supervisor(script, state, "stop").getExitValue());
            assertFalse(Files.exists(runtime.resolve("etcd.pid")), "stop forgets an etcd that exited by itself");
            Files.writeString(runtime.resolve("etcd.pid"), zombie + "\n");
            ProcessResult wipe = supervisor(script, state, "wipe");
            assertEquals(0, wipe.getExitValue(), wipe.outputUTF8());
            assertFalse(Files.exists(state.resolve("data")), "wipe deleted the node's data directory");
            assertFalse(Files.exists(dir.resolve("Z")), "and nothing relative to the working directory");
        } finally {
            parent.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
