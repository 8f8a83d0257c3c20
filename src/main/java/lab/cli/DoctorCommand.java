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
import lab.provider.vagrant.VirtualBoxNetworks;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;
import lab.spec.Profile;
import lab.spec.NodeSpec;
import org.zeroturnaround.exec.ProcessExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "doctor", description = {"Check what `lab up --provider vagrant` needs, on one screen: Vagrant (2.2.5 or "
        + "later), VirtualBox and its host-only network ranges (/etc/vbox/networks.conf), hardware virtualization, the "
        + "box, memory for the VMs, the subnet against this machine's routes.",
    "Exit 0 when nothing is missing, 4 otherwise."})
final class DoctorCommand extends LabVerb implements Callable<Integer> {
    /** Flatcar's box Vagrantfile requires it (flatcar/scripts build_library/oem/vagrant/build/box/Vagrantfile). */
    static final String MIN_VAGRANT = "2.2.5";

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
            String version = run(vagrant, "--version").trim();
            String number = version.replaceAll("^\\D*", "");
            boolean recent = compare(number, MIN_VAGRANT) >= 0;
            row(recent ? "ok" : "MISSING", "vagrant", vagrant + " (" + version + ")" + (recent ? "" : ": the "
                    + "Flatcar box needs Vagrant " + MIN_VAGRANT + " or later"));
        } catch (EnvironmentException e) {
            row("MISSING", "vagrant", "not installed: sudo apt-get install -y vagrant (Debian), or from vagrantup.com");
        }
        java.util.Optional<String> vbox = VirtualBoxNetworks.installedVersion();
        vbox.ifPresentOrElse(v -> row("ok", "VirtualBox", v), () -> row("MISSING", "VirtualBox", "not installed "
                + "(no VBoxManage on PATH): the published Flatcar box is built for VirtualBox (and Parallels) only; "
                + "install VirtualBox from virtualbox.org (Debian 12 does not package it)"));
        VirtualBoxNetworks.refusal(lab.subnet(), vbox.orElse(null), VirtualBoxNetworks.readConf()).ifPresentOrElse(
                why -> row("MISSING", "host-only network " + lab.subnet(), why),
                () -> row("ok", "host-only network " + lab.subnet(), "VirtualBox allows it"));
        boolean virt = run("sh", "-c", "grep -m1 -owE 'vmx|svm' /proc/cpuinfo").trim().matches("vmx|svm");
        row(virt ? "ok" : "MISSING", "hardware virtualization", virt ? "the CPU has vmx/svm" : "the CPU shows no vmx "
                + "or svm flag (a VM without nested virtualization?): VirtualBox cannot boot 64-bit VMs here; use "
                + "--provider netns or local");
        String box = lab.vm().box();
        String boxes = vagrant == null ? "" : run(vagrant, "box", "list", "--machine-readable");
        boolean present = boxes.lines().anyMatch(l -> l.matches("[^,]*,[^,]*,box-name," + java.util.regex.Pattern
                .quote(box)));
        if (present) {
            row("ok", "box " + box, "present");
        } else if (lab.vm().boxUrl() != null) {
            row("note", "box " + box, "not added yet: the first `lab up` downloads it from " + lab.vm().boxUrl());
        } else {
            row("MISSING", "box " + box, "not added, and there is nowhere to download it from"
                    + (lab.profile() == Profile.COREOS ? " (CoreOS's release servers deleted every image in "
                    + "2020)" : "") + ": add a box you have, `vagrant box add " + box + " PATH/TO/FILE.box`, or set "
                    + "vm.box-url in lab.yaml");
        }
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

    /** Compares dotted version numbers (2.3.4 against 2.2.5); missing parts count as 0. */
    static int compare(String a, String b) {
        String[] x = a.split("[^0-9]+");
        String[] y = b.split("[^0-9]+");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            int p = i < x.length && !x[i].isEmpty() ? Integer.parseInt(x[i]) : 0;
            int q = i < y.length && !y[i].isEmpty() ? Integer.parseInt(y[i]) : 0;
            if (p != q) {
                return Integer.compare(p, q);
            }
        }
        return 0;
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
