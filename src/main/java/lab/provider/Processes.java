package lab.provider;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import lab.spec.EnvironmentException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * Starting and signalling lab processes by PID. Each PID is kept with its process start time, and a process is
 * only "ours" while both match, so a PID the kernel recycled after a crash is never signalled.
 */
public final class Processes {
    private Processes() {
    }

    /** A started process: its PID and start time (epoch ms). */
    public record Started(long pid, long startedAt) {
    }

    /**
     * Starts {@code command} in its own session (setsid: Ctrl-C in the terminal does not reach it and it outlives
     * the CLI), environment cleared of inherited ETCD* variables, output appended to {@code log}.
     */
    public static Started start(List<String> command, Map<String, String> env, Path log) {
        List<String> cmd = new ArrayList<>();
        cmd.add("setsid");
        cmd.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().keySet().removeIf(k -> k.startsWith("ETCD"));
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            return new Started(p.pid(), startTime(p.toHandle()));
        } catch (IOException e) {
            throw new EnvironmentException("cannot start " + String.join(" ", command) + ": " + e.getMessage(), e);
        }
    }

    private static long startTime(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    /** A running process this machine started some other way (a node's supervisor), with its start time. */
    public static Optional<Started> adopt(long pid) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> new Started(pid, startTime(h)));
    }

    /** The process, if it still runs and is the one that was started then. */
    public static Optional<ProcessHandle> find(long pid, long startedAt) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> startTime(h) == startedAt);
    }

    public static boolean alive(long pid, long startedAt) {
        return find(pid, startedAt).isPresent();
    }

    /** SIGKILL, then waits until it is gone. */
    public static void kill(long pid, long startedAt) {
        find(pid, startedAt).ifPresent(h -> {
            h.destroyForcibly();
            awaitExit(h, Duration.ofSeconds(10));
        });
    }

    /** SIGKILL to the whole process group a {@link #start}ed process leads (setsid made it the leader). */
    public static void killGroup(long pid, long startedAt) {
        find(pid, startedAt).ifPresent(h -> {
            try {
                new ProcessExecutor().command("kill", "-KILL", "--", "-" + pid).timeout(5, TimeUnit.SECONDS)
                        .execute();
            } catch (Exception e) {
                // the group is gone already
            }
            awaitExit(h, Duration.ofSeconds(10));
        });
    }

    /** SIGTERM, waits up to {@code grace} for a clean exit, then SIGKILL. */
    public static void stop(long pid, long startedAt, Duration grace) {
        find(pid, startedAt).ifPresent(h -> {
            signal(h, "CONT"); // a paused process cannot handle SIGTERM
            h.destroy();
            if (!awaitExit(h, grace)) {
                h.destroyForcibly();
                awaitExit(h, Duration.ofSeconds(10));
            }
        });
    }

    /** SIGSTOP or SIGCONT, which Java cannot send itself: through kill(1), by PID. */
    public static void signal(long pid, long startedAt, String signal) {
        find(pid, startedAt).ifPresent(h -> signal(h, signal));
    }

    private static void signal(ProcessHandle h, String signal) {
        try {
            new ProcessExecutor().command("kill", "-" + signal, Long.toString(h.pid())).timeout(5, TimeUnit.SECONDS)
                    .execute();
        } catch (Exception e) {
            throw new EnvironmentException("cannot send SIG" + signal + " to " + h.pid() + ": " + e.getMessage(), e);
        }
    }

    private static boolean awaitExit(ProcessHandle h, Duration timeout) {
        try {
            Awaitility.await("process " + h.pid() + " to exit").atMost(timeout)
                    .pollInterval(Duration.ofMillis(20)).until(() -> !h.isAlive());
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
