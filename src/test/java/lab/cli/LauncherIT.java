package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/** The real ./lab launcher as a separate process: exit codes and what a user sees on the terminal. */
class LauncherIT {
    static final Path LAB = Path.of(System.getProperty("lab.repo", ".")).toAbsolutePath().resolve("lab");

    @TempDir
    Path dir;

    ProcessResult lab(String... args) throws Exception {
        String[] cmd = new String[args.length + 1];
        cmd[0] = LAB.toString();
        System.arraycopy(args, 0, cmd, 1, args.length);
        return new ProcessExecutor().command(cmd).directory(dir.toFile()).readOutput(true)
                .redirectErrorStream(true).timeout(120, TimeUnit.SECONDS).execute();
    }

    @Test
    void badSpecExitsTwoWithPositionsAndNoStackTrace() throws Exception {
        Files.writeString(dir.resolve("lab.yaml"), "nodes: 3\nsubnet: 172.17.8.0/33\ngroups:\n  - role: worker\n"
                + "    metadata: role=worker,=r3\n");
        ProcessResult r = lab("render");
        String out = r.outputUTF8();
        assertEquals(2, r.getExitValue(), out);
        assertTrue(out.contains("lab.yaml:2:9: error: subnet \"172.17.8.0/33\" is not an IPv4 network"), out);
        assertTrue(out.contains("lab.yaml:5:15: error: bad metadata \"role=worker,=r3\""), out);
        assertFalse(out.contains("Exception") || out.contains("\tat "), "no stack trace:\n" + out);
        assertFalse(Files.exists(dir.resolve("vagrant")), "nothing half-written");
    }

    @Test
    void helpAndVersion() throws Exception {
        ProcessResult help = lab("--help");
        assertEquals(0, help.getExitValue());
        assertTrue(help.outputUTF8().contains("Commands:"), help.outputUTF8());
        ProcessResult version = lab("--version");
        assertTrue(version.outputUTF8().trim().matches("(?s).*lab \\d+\\.\\d+\\.\\d+.*"), version.outputUTF8());
    }
}
