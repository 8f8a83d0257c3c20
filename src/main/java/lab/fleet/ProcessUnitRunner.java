package lab.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import lab.provider.Processes;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * Units as processes of this machine, for nodes that have no systemd (local and netns): the Exec* lines run through
 * {@code sh -c} with the unit's specifiers expanded and the node's environment file (COREOS_PUBLIC_IPV4 and friends,
 * as /etc/environment gives them on CoreOS), ExecStart in its own session so that stopping it stops all it started.
 * Each unit's output goes to {@code <dir>/<unit>.log} (what `lab fleet journal` shows).
 */
public final class ProcessUnitRunner implements UnitRunner {
    private static final Duration STEP = Duration.ofSeconds(30);
    private final Path dir;
    private final Map<String, String> environment;
    private final Map<String, Processes.Started> main = new ConcurrentHashMap<>();
    private final Map<String, FleetUnit> units = new ConcurrentHashMap<>();
    private final Map<String, Map<String, String>> specs = new ConcurrentHashMap<>();
    private final List<String> inNode;

    /** @param environment what the unit's EnvironmentFile= gives it */
    public ProcessUnitRunner(Path dir, Map<String, String> environment) {
        this(dir, environment, List.of());
    }

    /**
     * @param inNode what puts a command inside the node (netns: {@code ip netns exec NS}); empty for this machine's
     *     own network
     */
    public ProcessUnitRunner(Path dir, Map<String, String> environment, List<String> inNode) {
        this.dir = dir;
        this.environment = Map.copyOf(environment);
        this.inNode = List.copyOf(inNode);
    }

    private List<String> shell(String command) {
        List<String> cmd = new ArrayList<>(inNode);
        cmd.addAll(List.of("sh", "-c", command));
        return cmd;
    }

    /** Where the units of a node of a lab keep their logs (the daemon's agents run them there). */
    public static Path unitsDir(lab.provider.LabDir dir, String node) {
        return dir.nodeDir(node).resolve("units");
    }

    public Path log(String unit) {
        return dir.resolve(unit + ".log");
    }

    /** The end of the unit's log. */
    @Override
    public String output(String unit, int lines) {
        Path log = log(unit);
        try {
            if (!Files.exists(log)) {
                return "";
            }
            List<String> all = Files.readAllLines(log);
            List<String> tail = all.subList(Math.max(0, all.size() - lines), all.size());
            return tail.isEmpty() ? "" : String.join("\n", tail) + "\n";
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public boolean start(FleetUnit unit, Map<String, String> specifiers) {
        if (running(unit.name())) {
            return true;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            return false;
        }
        units.put(unit.name(), unit);
        specs.put(unit.name(), specifiers);
        for (String pre : exec(unit, "ExecStartPre", specifiers)) {
            if (!runStep(unit.name(), pre)) {
                return false;
            }
        }
        List<String> start = exec(unit, "ExecStart", specifiers);
        if (!start.isEmpty()) {
            Processes.Started p = Processes.start(shell(start.get(0)), environment, log(unit.name()));
            main.put(unit.name(), p);
            write(pidFile(unit.name()), p.pid() + " " + p.startedAt() + "\n");
        }
        for (String post : exec(unit, "ExecStartPost", specifiers)) {
            runStep(unit.name(), post);
        }
        return true;
    }

    @Override
    public void stop(String unit) {
        FleetUnit u = units.remove(unit);
        Map<String, String> sp = specs.remove(unit);
        if (u == null) {
            return;
        }
        for (String stop : exec(u, "ExecStop", sp)) {
            runStep(unit, stop);
        }
        Processes.Started p = main.remove(unit);
        if (p != null) {
            // the whole process group: what ExecStart started goes with it
            Processes.killGroup(p.pid(), p.startedAt());
            try {
                Files.deleteIfExists(pidFile(unit));
            } catch (IOException e) {
                // `lab down` finds the group gone
            }
        }
        for (String post : exec(u, "ExecStopPost", sp)) {
            runStep(unit, post);
        }
    }

    @Override
    public boolean running(String unit) {
        Processes.Started p = main.get(unit);
        return p != null && Processes.alive(p.pid(), p.startedAt());
    }

    /** {@code <unit>.pid}: "PID start-time" of a unit's main process, so that `lab down` stops it after a crash. */
    public Path pidFile(String unit) {
        return dir.resolve(unit + ".pid");
    }

    /** Kills the process group of every unit recorded under {@code dir} (after the runner itself is gone). */
    public static void killRecorded(Path dir) {
        Processes.killGroups(recorded(dir));
    }

    /** {pid, start time} of every unit process recorded in {@code dir} (the leaders of their process groups). */
    public static List<long[]> recorded(Path dir) {
        List<long[]> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(x -> x.toString().endsWith(".pid")).toList()) {
                String[] pid = Files.readString(f).trim().split("\\s+");
                if (pid.length == 2) {
                    out.add(new long[] {Long.parseLong(pid[0]), Long.parseLong(pid[1])});
                }
            }
        } catch (IOException | NumberFormatException e) {
            // best effort: what cannot be read was not started by us
        }
        return out;
    }

    private static void write(Path p, String text) {
        try {
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void stopAll() {
        new ArrayList<>(units.keySet()).forEach(this::stop);
    }

    private boolean runStep(String unit, String command) {
        boolean ignoreFailure = command.startsWith("-");
        String cmd = ignoreFailure ? command.substring(1) : command;
        try (var log = Files.newOutputStream(log(unit), java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND)) {
            int rc = new ProcessExecutor().command(shell(cmd)).environment(environment).redirectOutputAlsoTo(log)
                    .redirectErrorStream(true).timeout(STEP.toSeconds(), TimeUnit.SECONDS).execute().getExitValue();
            return rc == 0 || ignoreFailure;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return ignoreFailure;
        } catch (Exception e) {
            return ignoreFailure;
        }
    }

    /** An Exec line's values, systemd's specifiers expanded (%n %N %p %i %m %H). */
    static List<String> exec(FleetUnit unit, String key, Map<String, String> specifiers) {
        List<String> out = new ArrayList<>();
        for (String v : unit.file().values("Service", key)) {
            out.add(FleetUnit.expand(v.replace("\\\n", " "), specifiers));
        }
        return out;
    }
}
