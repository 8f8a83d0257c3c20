package lab.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Commands on this machine, as local nodes run them: the node's environment, output, exit code, timeout. */
class LocalTransportTest {
    @TempDir
    Path dir;

    @Test
    void runsWithTheNodesEnvironment() {
        Transport t = new LocalTransport(Map.of("LAB_NODE", "core-02"));
        ExecResult r = t.exec("echo $LAB_NODE; echo oops >&2; exit 4", Duration.ofSeconds(10));
        assertEquals(4, r.exitCode());
        assertEquals("core-02\n", r.stdout());
        assertEquals("oops\n", r.stderr());
    }

    @Test
    void timesOut() {
        TransportException e = assertThrows(TransportException.class,
                () -> new LocalTransport(Map.of()).exec("sleep 5", Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("did not finish within 300 ms"), e.getMessage());
    }

    @Test
    void uploadCopiesWithTheMode() throws Exception {
        Path src = dir.resolve("a");
        Files.writeString(src, "x");
        Path dst = dir.resolve("sub/b");
        new LocalTransport(Map.of()).upload(src, dst.toString(), 0600);
        assertEquals("x", Files.readString(dst));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dst)));
    }
}
