package lab.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.provider.LabDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/** The real ./lab launcher, run in a folder as a user runs it: how the CLI tests call lab. */
final class Launcher {
    private Launcher() {
    }

    /** Runs {@code lab ARGS} in {@code dir} with {@code env} added; output and errors together. */
    static ProcessResult run(Path dir, Duration timeout, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(LauncherIT.LAB.toString());
        cmd.addAll(List.of(args));
        return new ProcessExecutor().command(cmd).directory(dir.toFile()).environment(env).readOutput(true)
                .redirectErrorStream(true).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS).execute();
    }

    /** Takes down every lab a test left in {@code dir}. */
    static void downAll(Path dir) throws Exception {
        for (String name : LabDir.list(dir)) {
            run(dir, Duration.ofMinutes(2), Map.of(), "down", "--name", name);
        }
    }
}
