package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.provider.LabDir;
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

    ProcessResult run(Path workDir, String... cmd) throws Exception {
        return new ProcessExecutor().command(cmd).directory(workDir.toFile()).readOutput(true)
                .redirectErrorStream(true).timeout(120, TimeUnit.SECONDS).execute();
    }

    @Test
    void aSymlinkOnPathRunsLabFromAnyFolder() throws Exception {
        // As a user installs it: a link in a bin folder, here through a relative link to a second link.
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path other = Files.createDirectories(dir.resolve("opt"));
        Files.createSymbolicLink(other.resolve("lab"), LAB);
        Files.createSymbolicLink(bin.resolve("lab"), Path.of("../opt/lab"));
        Path work = Files.createDirectories(dir.resolve("somewhere/else"));
        String lab = bin.resolve("lab").toString();
        try {
            ProcessResult version = run(work, lab, "--version");
            assertEquals(0, version.getExitValue(), version.outputUTF8());
            assertTrue(version.outputUTF8().trim().matches("lab \\d+\\.\\d+\\.\\d+.*"), version.outputUTF8());
            ProcessResult up = run(work, lab, "up", "--name", "linked", "--block", "78");
            assertEquals(0, up.getExitValue(), up.outputUTF8());
            ProcessResult status = run(work, lab, "status", "--name", "linked");
            assertEquals(0, status.getExitValue(), status.outputUTF8());
            assertTrue(status.outputUTF8().contains("quorum: yes (3/3 healthy, 2 needed)"), status.outputUTF8());
            assertTrue(Files.isDirectory(work.resolve(".lab/linked")), "the lab lives where the command ran");
        } finally {
            run(work, lab, "down", "--name", "linked");
        }
        assertEquals(List.of(), LabDir.list(work));
        assertFalse(Files.exists(work.resolve("pom.xml")) || Files.exists(work.resolve("target")),
                "nothing of the build in the user's folder");
    }

    /** Completes the words as bash's programmable completion would on TAB, with the script `lab completion` printed. */
    private List<String> complete(String... words) throws Exception {
        ProcessResult script = lab("completion", "bash");
        assertEquals(0, script.getExitValue(), script.outputUTF8());
        Files.writeString(dir.resolve("lab-completion.bash"), script.outputUTF8());
        String line = String.join(" ", words);
        String driver = """
                set -u
                source ./lab-completion.bash
                compopt() { :; }   # bash's compopt works only while bash itself runs a completion
                spec=$(complete -p lab)                       # e.g. complete -F _complete_lab ... lab
                fn=$(sed -n 's/.*-F \\([^ ]*\\).*/\\1/p' <<<"$spec")
                COMP_LINE=%s
                COMP_POINT=${#COMP_LINE}
                read -r -a COMP_WORDS <<<"$COMP_LINE"
                COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))
                "$fn" lab "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                printf '%%s\\n' "${COMPREPLY[@]}"
                """.formatted("'" + line + "'");
        ProcessResult r = run(dir, "bash", "-c", driver);
        assertEquals(0, r.getExitValue(), r.outputUTF8());
        return r.outputUTF8().lines().map(String::trim).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void bashCompletesCommandsSubcommandsAndOptions() throws Exception {
        assertEquals(List.of("kill"), complete("lab", "node", "k"));
        assertEquals(List.of("partition"), complete("lab", "net", "par"));
        assertTrue(complete("lab", "run", "--ju").contains("--junit"));
        List<String> top = complete("lab", "st");
        assertEquals(List.of("status"), top);
    }

    @Test
    void installPutsALinkAndTheCompletionUnderThePrefix() throws Exception {
        Path prefix = dir.resolve("prefix");
        ProcessResult r = lab("install", "--prefix", prefix.toString());
        assertEquals(0, r.getExitValue(), r.outputUTF8());
        assertEquals(LAB.toRealPath(), prefix.resolve("bin/lab").toRealPath());
        assertTrue(Files.readString(prefix.resolve("share/bash-completion/completions/lab")).contains("complete "));
        assertEquals(0, lab("install", "--prefix", prefix.toString()).getExitValue(), "installing again is fine");
        Files.delete(prefix.resolve("bin/lab"));
        Files.writeString(prefix.resolve("bin/lab"), "#!/bin/sh\necho someone else's lab\n");
        ProcessResult refused = lab("install", "--prefix", prefix.toString());
        assertEquals(4, refused.getExitValue(), refused.outputUTF8());
        assertTrue(refused.outputUTF8().contains("is not a link to " + LAB.toRealPath() + "; --force replaces it"),
                refused.outputUTF8());
        assertEquals(0, lab("install", "--prefix", prefix.toString(), "--force").getExitValue());
        assertEquals(LAB.toRealPath(), prefix.resolve("bin/lab").toRealPath());
    }
}
