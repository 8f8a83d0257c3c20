package lab.machine;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.transport.SshKeys;
import lab.transport.SshTransport;
import org.awaitility.Awaitility;

/**
 * Test support: a stand-in for a Flatcar VM, since no VM boots here. Real systemd 252 is PID 1 of its own namespaces
 * (src/test/resources/systemd-node/boot.sh says what is private), with a real sshd as one of its services and an
 * {@code etcd-member.service} that runs Debian's etcd the way Flatcar's runs etcd's container: the ETCD_* variables
 * of the lab's drop-in, {@code Restart=on-failure} (src/test/resources/systemd-node/units/etcd-member.service names
 * what differs from Flatcar's). The network is the host's here: sshd and etcd listen on the loopback address given.
 * The fake vagrant boots the same machines inside network namespaces, as its VMs.
 */
public final class SystemdNode implements AutoCloseable {
    public static final String USER = "root";
    private final String address;
    private final int sshPort;
    private final String machineId;
    private final Process boot;
    private final Path clientKey;
    private final Path knownHosts;

    private SystemdNode(String address, int sshPort, String machineId, Process boot, Path clientKey,
                        Path knownHosts) {
        this.address = address;
        this.sshPort = sshPort;
        this.machineId = machineId;
        this.boot = boot;
        this.clientKey = clientKey;
        this.knownHosts = knownHosts;
    }

    /** Whether this machine can boot one: root, systemd, unshare and sshd. */
    public static boolean possible() {
        return "root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of("/lib/systemd/systemd"))
                && Files.isExecutable(Path.of("/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/sbin/sshd"));
    }

    /**
     * Boots a node whose sshd listens on {@code address:sshPort} and whose etcd-member.service, once started, is a
     * one-member cluster on {@code address:2379}.
     */
    public static SystemdNode boot(Path dir, String name, String address, int sshPort, String machineId)
            throws IOException, InterruptedException {
        Path seed = dir.resolve("seed");
        Path units = seed.resolve("units");
        copyStandInUnits(units);
        Files.writeString(seed.resolve("machine-id"), machineId + "\n");
        Files.writeString(seed.resolve("hostname"), name + "\n");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", seed.resolve("host_ed25519").toString());
        Path clientKey = dir.resolve("client/id_ed25519");
        Files.writeString(seed.resolve("authorized_keys"), SshKeys.ensure(clientKey, "lab-test") + "\n");
        Path knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, SshKeys.knownHostsLine(address, sshPort, Files.readString(seed.resolve(
                "host_ed25519.pub"))) + "\n");
        Files.writeString(seed.resolve("sshd_config"), sshdConfig(address, sshPort));
        Path dropIn = units.resolve("etcd-member.service.d");
        Files.createDirectories(dropIn);
        String peer = "http://" + address + ":2380";
        Files.writeString(dropIn.resolve("20-lab.conf"), String.join("\n", List.of("[Service]",
                "Environment=ETCD_NAME=%H",
                "Environment=ETCD_LISTEN_CLIENT_URLS=http://" + address + ":2379",
                "Environment=ETCD_ADVERTISE_CLIENT_URLS=http://" + address + ":2379",
                "Environment=ETCD_LISTEN_PEER_URLS=" + peer,
                "Environment=ETCD_INITIAL_ADVERTISE_PEER_URLS=" + peer,
                "Environment=ETCD_INITIAL_CLUSTER=" + name + "=" + peer,
                "Environment=ETCD_INITIAL_CLUSTER_STATE=new", "")));
        Path script = dir.resolve("boot.sh");
        try (var in = SystemdNode.class.getResourceAsStream("/systemd-node/boot.sh")) {
            Files.write(script, in.readAllBytes());
        }
        Process p = new ProcessBuilder("setsid", "sh", script.toString(), seed.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("boot.log").toFile()).start();
        SystemdNode node = new SystemdNode(address, sshPort, machineId, p, clientKey, knownHosts);
        try {
            Awaitility.await("systemd's sshd on " + address + ":" + sshPort).atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!p.isAlive()) {
                            throw new IllegalStateException("the stand-in did not boot: " + Files.readString(
                                    dir.resolve("boot.log")));
                        }
                        try (Socket s = new Socket()) {
                            s.connect(new InetSocketAddress(address, sshPort), 200);
                            return true;
                        } catch (IOException e) {
                            return false;
                        }
                    });
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
        return node;
    }

    /** The stand-in's own units (targets, sshd, etcd-member), from src/test/resources/systemd-node/units. */
    static void copyStandInUnits(Path units) throws IOException {
        copyResources("systemd-node/units", units);
    }

    /** Copies a directory of the test resources (under target/test-classes, so on disk) to {@code to}. */
    public static void copyResources(String dir, Path to) throws IOException {
        Path from;
        try {
            from = Path.of(SystemdNode.class.getResource("/" + dir).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        try (var files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    /** sshd on one address and port, the seed's host key, the seed's authorized_keys as the only way in. */
    static String sshdConfig(String address, int port) {
        return String.join("\n", List.of("Port " + port, "ListenAddress " + address,
                "HostKey /run/lab-standin/host_ed25519", "AuthorizedKeysFile /run/lab-standin/authorized_keys",
                "PasswordAuthentication no", "KbdInteractiveAuthentication no", "UsePAM no",
                "PermitRootLogin prohibit-password", "StrictModes no", "PidFile none", "LogLevel ERROR")) + "\n";
    }

    private static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + new String(p.getInputStream().readAllBytes()));
        }
    }

    public String address() {
        return address;
    }

    public String machineId() {
        return machineId;
    }

    public SshTransport transport() {
        return new SshTransport(address, sshPort, USER, clientKey, knownHosts, Duration.ofSeconds(10));
    }

    /** The host's PID of the node's systemd (PID 1 inside), or -1 once it is gone. */
    public long systemdPid() {
        // setsid execs sh, which execs unshare: the PID is the one started; systemd is its only child
        Path children = Path.of("/proc/" + boot.pid() + "/task/" + boot.pid() + "/children");
        try {
            String c = Files.readString(children).trim();
            return c.isEmpty() ? -1 : Long.parseLong(c.split("\\s+")[0]);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Powers the node off: SIGKILL to its PID 1, which the kernel follows by killing every process of its PID
     * namespace (etcd, sshd, units); then its cgroups are removed.
     */
    @Override
    public void close() {
        long init = systemdPid();
        if (init > 0) {
            ProcessHandle.of(init).ifPresent(ProcessHandle::destroyForcibly);
        }
        try {
            // unshare reaps its child and exits with it; killing unshare first would leave systemd a zombie
            if (!boot.waitFor(10, TimeUnit.SECONDS)) {
                boot.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // the namespace's processes die just after its init: its cgroups go once they are empty
        Awaitility.await("the stand-in's cgroups to go").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100)).until(() -> {
                    boolean gone = true;
                    for (String h : List.of("systemd", "unified")) {
                        Path cg = Path.of("/sys/fs/cgroup", h, "lab-sd-" + boot.pid());
                        if (Files.isDirectory(cg)) {
                            try (var all = Files.walk(cg)) {
                                all.filter(Files::isDirectory).sorted(java.util.Comparator.reverseOrder())
                                        .forEach(d -> d.toFile().delete());
                            }
                            gone &= !Files.exists(cg);
                        }
                    }
                    return gone;
                });
    }
}
