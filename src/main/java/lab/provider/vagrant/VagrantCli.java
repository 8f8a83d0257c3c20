package lab.provider.vagrant;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import lab.spec.EnvironmentException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;
import org.zeroturnaround.exec.stream.LogOutputStream;

/**
 * The `vagrant` command line, run in a lab's vagrant directory: the VM lifecycle the Vagrant provider needs, with
 * machine-readable output where Vagrant has it. $LAB_VAGRANT names another executable (the tests' fake).
 */
public final class VagrantCli {
    private static final long SHORT_MINUTES = 5;
    private static final long UP_MINUTES = 60;
    private final Path dir;
    private final String vagrant;

    public VagrantCli(Path dir) {
        this.dir = dir;
        this.vagrant = binary();
    }

    /** vagrant from $LAB_VAGRANT or PATH; an EnvironmentException saying how to install it when there is none. */
    public static String binary() {
        String explicit = System.getenv("LAB_VAGRANT");
        if (explicit != null && !explicit.isBlank()) {
            if (!new File(explicit).canExecute()) {
                throw new EnvironmentException("LAB_VAGRANT=" + explicit + " is not an executable file");
            }
            return explicit;
        }
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            File f = new File(d, "vagrant");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new EnvironmentException("vagrant is not installed: the vagrant provider drives VMs through it. Install "
                + "Vagrant and VirtualBox (Debian: sudo apt-get install -y vagrant virtualbox, or vagrant-libvirt), "
                + "then `lab doctor`");
    }

    public String version() {
        return run(List.of("--version"), SHORT_MINUTES, null).trim();
    }

    public Map<String, MachineReadable.MachineState> status() {
        return MachineReadable.status(run(List.of("status", "--machine-readable"), SHORT_MINUTES, null));
    }

    public Map<String, SshConfig.Host> sshConfig(List<String> machines) {
        List<String> args = new ArrayList<>(List.of("ssh-config"));
        args.addAll(machines);
        return SshConfig.parse(run(args, SHORT_MINUTES, null));
    }

    /**
     * `vagrant up`, telling {@code progress} which VM is in which phase and since when, instead of a silent minute.
     * VirtualBox brings machines up one after another; other providers (libvirt) in parallel.
     */
    public void up(List<String> machines, boolean parallel, Consumer<String> progress) {
        List<String> args = new ArrayList<>(List.of("up", "--machine-readable", parallel ? "--parallel"
                : "--no-parallel"));
        args.addAll(machines);
        long t0 = System.nanoTime();
        Map<String, String> phase = new LinkedHashMap<>();
        run(args, UP_MINUTES, line -> MachineReadable.parse(line).forEach(l -> {
            String what = MachineReadable.progress(l);
            if (!what.isEmpty() && !what.equals(phase.get(l.target()))) {
                phase.put(l.target(), what);
                progress.accept(String.format("%s: %s (%d s)", l.target(), what,
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)));
            }
        }));
    }

    /** Hard power-off (`halt --force`): the VM stops as if its plug was pulled. */
    public void haltForce(String machine) {
        run(List.of("halt", "--force", machine), SHORT_MINUTES, null);
    }

    /** A reboot through Vagrant (`reload`): the VM shuts down and boots again, keeping its disk. */
    public void reload(String machine) {
        run(List.of("reload", machine), UP_MINUTES, null);
    }

    /** Runs the machine's provisioners again: copies its user-data, which makes the box run cloud-config again. */
    public void provision(String machine) {
        run(List.of("provision", machine), UP_MINUTES, null);
    }

    public void destroy() {
        run(List.of("destroy", "-f"), UP_MINUTES, null);
    }

    /** One command on a machine through `vagrant ssh -c` (used only to learn its host key, before strict SSH). */
    public String ssh(String machine, String command) {
        return run(List.of("ssh", machine, "-c", command), SHORT_MINUTES, null);
    }

    private String run(List<String> args, long minutes, Consumer<String> lines) {
        List<String> cmd = new ArrayList<>();
        cmd.add(vagrant);
        cmd.addAll(args);
        try {
            ProcessExecutor pe = new ProcessExecutor().command(cmd).directory(dir.toFile()).readOutput(true)
                    .redirectErrorStream(true).timeout(minutes, TimeUnit.MINUTES).environment("VAGRANT_NO_COLOR", "1");
            if (lines != null) {
                pe.redirectOutputAlsoTo(new LogOutputStream() {
                    @Override
                    protected void processLine(String line) {
                        lines.accept(line);
                    }
                });
            }
            ProcessResult r = pe.execute();
            if (r.getExitValue() != 0) {
                throw new EnvironmentException("`vagrant " + String.join(" ", args) + "` failed (exit "
                        + r.getExitValue() + ") in " + dir + ":\n" + tail(r.outputUTF8()));
            }
            return r.outputUTF8();
        } catch (IOException e) {
            throw new EnvironmentException("cannot run " + vagrant + ": " + e.getMessage(), e);
        } catch (TimeoutException e) {
            throw new EnvironmentException("`vagrant " + String.join(" ", args) + "` did not finish within " + minutes
                    + " min", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while running vagrant", e);
        }
    }

    /** The end of vagrant's output, machine-readable lines shown as their text. */
    private static String tail(String out) {
        List<String> lines = new ArrayList<>();
        for (String l : out.split("\n")) {
            List<MachineReadable.Line> parsed = MachineReadable.parse(l);
            lines.add(parsed.isEmpty() ? l : String.join(" ", parsed.get(0).data()));
        }
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    }
}
