package lab.provider.vagrant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import lab.spec.Subnet;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * Which host-only networks VirtualBox lets a VM use. Since 6.1.28, on Linux and macOS, only 192.168.56.0/21 unless
 * /etc/vbox/networks.conf lists other ranges on lines starting with '*' (VirtualBox manual, "Host-Only Networking";
 * changelog of 6.1.28); then the ranges it lists. `vagrant up` of a lab outside them fails in VirtualBox, after the
 * first VM was imported, so the lab checks before.
 */
public final class VirtualBoxNetworks {
    public static final Path CONF = Path.of("/etc/vbox/networks.conf");
    static final Subnet DEFAULT_RANGE = Subnet.parse("192.168.56.0/21").orElseThrow();

    private VirtualBoxNetworks() {
    }

    /** The ranges VirtualBox allows, given networks.conf's text (empty when the file does not exist). */
    static List<Subnet> allowed(Optional<String> conf) {
        List<Subnet> out = new ArrayList<>();
        conf.ifPresent(text -> text.lines().map(String::trim).filter(l -> l.startsWith("*")).forEach(l -> {
            for (String word : l.substring(1).trim().split("\\s+")) {
                Subnet.parse(word).ifPresent(out::add); // IPv6 ranges do not parse and do not matter here
            }
        }));
        return out.isEmpty() && conf.isEmpty() ? List.of(DEFAULT_RANGE) : out;
    }

    /** Whether {@code subnet} lies wholly inside one of {@code ranges}. */
    static boolean inside(Subnet subnet, List<Subnet> ranges) {
        return ranges.stream().anyMatch(r -> r.prefix() <= subnet.prefix() && r.contains(subnet.network()));
    }

    /** VirtualBox versions before 6.1.28 allow any host-only network. */
    static boolean restricts(String version) {
        String[] v = version.trim().replaceAll("[^0-9.].*$", "").split("\\.");
        try {
            int major = Integer.parseInt(v[0]);
            int minor = v.length > 1 ? Integer.parseInt(v[1]) : 0;
            int patch = v.length > 2 ? Integer.parseInt(v[2]) : 0;
            return major > 6 || (major == 6 && (minor > 1 || (minor == 1 && patch >= 28)));
        } catch (NumberFormatException e) {
            return true; // a version we cannot read is a current one
        }
    }

    /**
     * Why VirtualBox {@code version} (null: not known, taken as a current one) would refuse {@code subnet}, with the
     * exact networks.conf line that allows it; empty when it would not.
     */
    public static Optional<String> refusal(Subnet subnet, String version, Optional<String> conf) {
        if (version != null && !restricts(version)) {
            return Optional.empty();
        }
        List<Subnet> ranges = allowed(conf);
        if (inside(subnet, ranges)) {
            return Optional.empty();
        }
        return Optional.of((version == null ? "VirtualBox 6.1.28 and later allow" : "VirtualBox " + version.trim()
                + " allows") + " host-only networks only in " + String.join(", ", ranges.stream().map(Subnet::toString).toList())
                + (conf.isPresent() ? " (" + CONF + ")" : " unless " + CONF + " lists more") + ", not " + subnet
                + ": add the line \"* " + subnet + "\" to " + CONF + " (sudo mkdir -p /etc/vbox && echo '* " + subnet
                + "' | sudo tee -a " + CONF + "), or give the lab a subnet inside 192.168.56.0/21 (subnet: "
                + "192.168.56.0/24 in lab.yaml, or --subnet)");
    }

    /** networks.conf's text, if the file exists. */
    public static Optional<String> readConf() {
        try {
            return Files.exists(CONF) ? Optional.of(Files.readString(CONF)) : Optional.empty();
        } catch (IOException e) {
            return Optional.of(""); // exists but unreadable: nothing it lists can be relied on
        }
    }

    /** `VBoxManage --version` (e.g. 7.0.14r161095), or empty when VirtualBox is not installed here. */
    public static Optional<String> installedVersion() {
        try {
            var r = new ProcessExecutor().command("VBoxManage", "--version").readOutput(true)
                    .timeout(30, TimeUnit.SECONDS).execute();
            String v = r.outputUTF8().trim();
            return r.getExitValue() == 0 && !v.isEmpty() ? Optional.of(v.lines().reduce((a, b) -> b).orElse(v))
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // no VBoxManage on PATH
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (java.util.concurrent.TimeoutException e) {
            return Optional.empty();
        }
    }
}
