package lab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import lab.provider.netns.HostNetwork;
import lab.provider.vagrant.VagrantCli;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;
import org.zeroturnaround.exec.ProcessExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "doctor", description = {"Check what `lab up --provider vagrant` needs, on one screen: vagrant, a "
        + "VM provider (VirtualBox or vagrant-libvirt), the box, memory for the VMs, the subnet against this machine's "
        + "routes.", "Exit 0 when nothing is missing, 4 otherwise."})
final class DoctorCommand extends LabVerb implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    private final List<String[]> rows = new ArrayList<>();
    private boolean missing;

    private void row(String status, String what, String detail) {
        rows.add(new String[] {status, what, detail});
        missing |= status.equals("MISSING");
    }

    @Override
    public Integer call() {
        LabSpec lab = specOptions.load(top.workDir()).spec();
        String vagrant = null;
        try {
            vagrant = VagrantCli.binary();
            String version = run(vagrant, "--version");
            row("ok", "vagrant", vagrant + " (" + version.trim() + ")");
        } catch (EnvironmentException e) {
            row("MISSING", "vagrant", "install it: sudo apt-get install -y vagrant (or from vagrantup.com)");
        }
        String plugins = vagrant == null ? "" : run(vagrant, "plugin", "list");
        String vbox = run("sh", "-c", "command -v VBoxManage >/dev/null && VBoxManage --version").trim();
        boolean libvirt = plugins.contains("vagrant-libvirt");
        if (!vbox.isEmpty()) {
            row("ok", "VirtualBox", vbox);
        }
        if (libvirt) {
            row(Files.exists(Path.of("/dev/kvm")) ? "ok" : "MISSING", "vagrant-libvirt", Files.exists(Path.of(
                    "/dev/kvm")) ? "plugin present, /dev/kvm exists" : "plugin present, but no /dev/kvm");
        }
        if (vbox.isEmpty() && !libvirt) {
            row("MISSING", "VM provider", "neither VirtualBox (VBoxManage) nor the vagrant-libvirt plugin: sudo apt-get "
                    + "install -y virtualbox, or vagrant-libvirt");
        }
        boolean virt = run("sh", "-c", "grep -m1 -owE 'vmx|svm' /proc/cpuinfo").trim().matches("vmx|svm");
        row(virt ? "ok" : "MISSING", "hardware virtualization", virt ? "the CPU has vmx/svm" : "the CPU shows no vmx "
                + "or svm flag (a VM without nested virtualization?): VirtualBox and KVM cannot boot 64-bit VMs here; "
                + "use --provider netns or local");
        String box = lab.vm().box();
        String boxes = vagrant == null ? "" : run(vagrant, "box", "list", "--machine-readable");
        row(boxes.contains("," + box) || boxes.contains(" " + box) ? "ok" : "note", "box " + box,
                boxes.contains(box) ? "present" : "not added yet: the first `lab up` downloads it from "
                        + lab.vm().boxUrl());
        long needMb = lab.nodes().stream().mapToLong(NodeSpec::memoryMb).sum();
        long availMb = availableMb();
        row(availMb >= needMb + 512 ? "ok" : "MISSING", "memory", needMb + " MiB for " + lab.nodes().size()
                + " VM(s), " + availMb + " MiB available" + (availMb >= needMb + 512 ? "" : ": use fewer nodes or "
                + "less memory: per node in lab.yaml"));
        new HostNetwork().collision(lab.subnet()).ifPresentOrElse(route -> row("note", "subnet " + lab.subnet(),
                "this machine already routes it (" + route + "): fine if it is the host-only network of an earlier "
                        + "lab, a conflict otherwise"), () -> row("ok", "subnet " + lab.subnet(),
                "no route of this machine overlaps it"));
        int w = rows.stream().mapToInt(r -> r[1].length()).max().orElse(10);
        for (String[] r : rows) {
            out().printf("%-8s %-" + w + "s  %s%n", r[0], r[1], r[2]);
        }
        out().println(missing ? "something is missing: see above" : "ready for `lab up --provider vagrant`");
        return missing ? ExitCode.ENVIRONMENT : ExitCode.OK;
    }

    private static long availableMb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (l.startsWith("MemAvailable:")) {
                    return Long.parseLong(l.replaceAll("\\D+", "")) / 1024;
                }
            }
        } catch (IOException e) {
            // below: unknown
        }
        return 0;
    }

    private static String run(String... cmd) {
        try {
            return new ProcessExecutor().command(cmd).readOutput(true).redirectErrorStream(true)
                    .timeout(2, TimeUnit.MINUTES).execute().outputUTF8();
        } catch (Exception e) {
            return "";
        }
    }
}
