package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * Every scenario README.md shows (a yaml block with steps:) runs as written and passes, on the local provider, next
 * to the library's unit files: a README example that does not run is a defect of the README or of lab.
 */
class ReadmeExamplesIT {
    static final Path REPO = Path.of(System.getProperty("lab.repo", ".")).toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void everyScenarioInTheReadmeRunsAsWritten() throws Exception {
        String readme = Files.readString(REPO.resolve("README.md"));
        Matcher m = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(readme);
        List<String> files = new ArrayList<>();
        int i = 0;
        while (m.find()) {
            String yaml = m.group(1);
            if (!yaml.lines().anyMatch(l -> l.startsWith("steps:")) || !yaml.lines().anyMatch(l -> l.startsWith("lab:"))) {
                continue; // a fragment (a spec, or steps without a lab) is not a scenario of its own
            }
            String file = "readme-" + (++i) + ".yaml";
            Files.writeString(dir.resolve(file), yaml);
            files.add(file);
        }
        assertTrue(files.size() >= 5, "the README's scenarios were found: " + files);
        Files.createDirectories(dir.resolve("units"));
        try (var units = Files.list(REPO.resolve("scenarios/units"))) {
            for (Path u : units.toList()) {
                Files.copy(u, dir.resolve("units").resolve(u.getFileName()));
            }
        }
        List<String> cmd = new ArrayList<>(List.of(LauncherIT.LAB.toString(), "run"));
        cmd.addAll(files);
        cmd.addAll(List.of("--parallel", "2"));
        ProcessResult r = new ProcessExecutor().command(cmd).directory(dir.toFile()).readOutput(true)
                .redirectErrorStream(true).timeout(10, TimeUnit.MINUTES).execute();
        String out = r.outputUTF8();
        assertEquals(0, r.getExitValue(), out);
        assertTrue(out.contains(files.size() + " passed, 0 failed"), out);
    }
}
