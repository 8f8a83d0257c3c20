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
        return ProcessHandle.of(pid).filter(h -> !gone(h)).filter(h -> startTime(h) == startedAt);
    }

    public static boolean alive(long pid, long startedAt) {
        return find(pid, startedAt).isPresent();
    }

    /**
     * SIGKILL to every one of them at once, then one wait for all (bounded): a lab is thrown away in about the time
     * its slowest process takes to die, not the sum. Entries are {pid, start time}; 0 or a recycled PID is skipped.
     */
    public static void killAll(List<long[]> processes) {
        List<ProcessHandle> dying = new ArrayList<>();
        for (long[] p : processes) {
            find(p[0], p[1]).ifPresent(h -> {
                h.destroyForcibly();
                dying.add(h);
            });
        }
        // a plain loop, not Awaitility: its start-up was a tenth of `lab down`
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!dying.stream().allMatch(Processes::gone) && System.nanoTime() < deadline) {
            // what still runs after SIGKILL and 10 s is stuck in the kernel; nothing more a signal can do
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Gone: exited, or a zombie (dead, waiting for its parent to reap it: a lab's processes outlive the command that
     * started them, and whoever adopted them may reap late). A zombie holds no port, file or memory.
     */
    static boolean gone(ProcessHandle h) {
        if (!h.isAlive()) {
            return true;
        }
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(h.pid()), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException | RuntimeException e) {
            return true; // no /proc entry: gone
        }
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
        killGroups(List.of(new long[] {pid, startedAt}));
    }

    /** SIGKILL to each process group at once (one kill(1) for all), then one wait for their leaders. */
    public static void killGroups(List<long[]> leaders) {
        List<String> cmd = new ArrayList<>(List.of("kill", "-KILL", "--"));
        List<long[]> alive = new ArrayList<>();
        for (long[] p : leaders) {
            if (find(p[0], p[1]).isPresent()) {
                cmd.add("-" + p[0]);
                alive.add(p);
            }
        }
        if (alive.isEmpty()) {
            return;
        }
        try {
            Process kill = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill(1): the wait below finds them alive and gives up after its bound
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        killAll(alive);
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
            Awaitility.await("process " + h.pid() + " to exit").atMost(timeout).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10)).until(() -> gone(h));
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
    /**
     * The resident memory of these processes (PID and start time; those not running are skipped) and of everything
     * they started (fleet units the daemon runs, a node's processes), each counted once: VmRSS from /proc.
     */
    public static long residentBytes(java.util.Collection<long[]> processes) {
        java.util.Set<Long> seen = new java.util.HashSet<>();
        long total = 0;
        for (long[] p : processes) {
            Optional<ProcessHandle> h = find(p[0], p[1]);
            if (h.isEmpty()) {
                continue;
            }
            List<ProcessHandle> all = new java.util.ArrayList<>();
            all.add(h.get());
            h.get().descendants().forEach(all::add);
            for (ProcessHandle x : all) {
                if (seen.add(x.pid())) {
                    total += rss(x.pid());
                }
            }
        }
        return total;
    }

    private static long rss(long pid) {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // gone meanwhile: nothing resident
        }
        return 0;
    }
}
