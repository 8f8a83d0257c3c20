package lab.provider.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.spec.EnvironmentException;
import lab.spec.Subnet;
import lab.transport.ExecResult;
import lab.transport.LocalTransport;

/**
 * The host side of a netns lab: checks that this machine can hold it, then the bridge with the host's address on
 * it, one namespace per node with the node's address on its eth0, and their removal. Only the lab subnet is routed
 * to the bridge; the namespaces get no default route, so nodes reach each other and the host, nothing else.
 */
public final class HostNetwork {
    private static final Duration CALL = Duration.ofSeconds(20);
    private final LocalTransport sh = new LocalTransport(java.util.Map.of());

    /** Root, the tools, a subnet no host route overlaps, and a FORWARD chain that lets bridged frames pass. */
    void check(Subnet subnet, String labName) {
        if (!isRoot()) {
            throw new EnvironmentException("the netns provider needs root: it creates network namespaces, a bridge "
                    + "and iptables rules inside the namespaces. Run `sudo ./lab up --provider netns`, or use the "
                    + "local provider (no root needed): `lab up --provider local`");
        }
        List<String> missing = new ArrayList<>();
        for (String[] tool : new String[][] {{"/usr/sbin/ip", "iproute2"}, {"/usr/sbin/sshd", "openssh-server"},
                {"/usr/bin/ssh-keygen", "openssh-client"}, {"/usr/sbin/iptables", "iptables"}}) {
            if (!Files.isExecutable(Path.of(tool[0]))) {
                missing.add(tool[1]);
            }
        }
        if (!missing.isEmpty()) {
            throw new EnvironmentException("the netns provider needs " + String.join(", ", missing) + ": apt-get "
                    + "install -y " + String.join(" ", missing));
        }
        collision(subnet).ifPresent(route -> {
            throw new EnvironmentException("lab \"" + labName + "\": subnet " + subnet + " collides with this "
                    + "machine's route `" + route + "`; the netns provider routes the whole subnet to the lab's "
                    + "bridge. " + holder(route) + "Pick a free subnet (subnet: in lab.yaml, or --subnet)");
        });
        if (readFirstLine(Path.of("/proc/sys/net/bridge/bridge-nf-call-iptables")).equals("1")
                && run("iptables", "-w", "-S", "FORWARD").stdout().contains("-P FORWARD DROP")) {
            throw new EnvironmentException("this machine's FORWARD policy is DROP and bridged traffic passes "
                    + "iptables (br_netfilter), so the lab's nodes could not reach each other. Allow the lab subnet "
                    + "(iptables -I FORWARD -s " + subnet + " -d " + subnet + " -j ACCEPT) or unload br_netfilter");
        }
    }

    /**
     * Names the lab whose bridge holds the route, from /run/lab/<id>/lab-root (written at bring-up), with the
     * command that takes it down; a lab killed before its teardown (a killed test run) leaves its bridge behind.
     */
    static String holder(String route) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\bdev lb-([0-9a-f]{6})\\b").matcher(route);
        if (!m.find()) {
            return "";
        }
        Path owner = NetnsRuntime.BASE.resolve(m.group(1)).resolve("lab-root");
        String labRoot = readFirstLine(owner);
        if (labRoot.isEmpty()) {
            return "It is a lab's bridge (lb-" + m.group(1) + "); `lab ls` in that lab's folder finds it. ";
        }
        Path dir = Path.of(labRoot);
        Path work = dir.getParent() == null ? dir : dir.getParent().getParent();
        return "It is the bridge of the netns lab \"" + dir.getFileName() + "\" in " + work + " (`cd " + work
                + " && lab down --name " + dir.getFileName() + "` removes it). ";
    }

    /** The first host route that overlaps the subnet, ignoring the default route. */
    public Optional<String> collision(Subnet subnet) {
        for (String line : run("ip", "-4", "route", "show", "table", "main").stdout().split("\n")) {
            String dst = line.trim().split("\\s+")[0];
            if (dst.isEmpty() || dst.equals("default")) {
                continue;
            }
            Optional<Subnet> route = Subnet.parse(dst.contains("/") ? dst : dst + "/32");
            if (route.isPresent() && overlaps(route.get(), subnet)) {
                return Optional.of(line.trim());
            }
        }
        return Optional.empty();
    }

    static boolean overlaps(Subnet a, Subnet b) {
        return a.contains(b.network()) || b.contains(a.network());
    }

    void createBridge(NetnsLayout l) {
        batch(null, "link add " + l.bridge() + " type bridge",
                "addr add " + l.hostAddress() + "/" + l.prefix() + " dev " + l.bridge(),
                "link set " + l.bridge() + " up");
    }

    void addNode(NetnsLayout l, NetnsLayout.NodeNet n) {
        batch(null, "netns add " + n.namespace(),
                "link add " + n.veth() + " type veth peer name eth0 netns " + n.namespace(),
                "link set " + n.veth() + " master " + l.bridge() + " up");
        batch(n.namespace(), "addr add " + n.address() + "/" + l.prefix() + " dev eth0", "link set eth0 up",
                "link set lo up");
    }

    /** PIDs of every process inside the namespace (none when it is gone). */
    List<Long> pids(String namespace) {
        ExecResult r = sh.run(List.of("ip", "netns", "pids", namespace), null, CALL);
        List<Long> out = new ArrayList<>();
        for (String p : r.stdout().split("\\s+")) {
            if (!p.isBlank()) {
                out.add(Long.parseLong(p.trim()));
            }
        }
        return out;
    }

    /** Deletes the namespaces (their veths go with them) in one batch; those already gone are skipped. */
    void deleteNodes(List<NetnsLayout.NodeNet> nodes) {
        StringBuilder b = new StringBuilder();
        for (NetnsLayout.NodeNet n : nodes) {
            if (namespaceExists(n.namespace())) {
                b.append("netns del ").append(n.namespace()).append('\n');
            }
        }
        if (!b.isEmpty()) {
            // -force: a namespace already gone does not stop the others
            sh.run(List.of("ip", "-force", "-batch", "-"), b.toString(), CALL);
        }
        for (NetnsLayout.NodeNet n : nodes) { // a veth left by a namespace deleted before its link
            if (Files.exists(Path.of("/sys/class/net", n.veth()))) {
                sh.run(List.of("ip", "link", "del", n.veth()), null, CALL);
            }
        }
    }

    /** Deletes the namespace (its veth goes with it); nothing happens when it is gone. */
    void deleteNode(NetnsLayout.NodeNet n) {
        sh.run(List.of("ip", "link", "del", n.veth()), null, CALL);
        sh.run(List.of("ip", "netns", "del", n.namespace()), null, CALL);
    }

    void deleteBridge(NetnsLayout l) {
        sh.run(List.of("ip", "link", "del", l.bridge()), null, CALL);
    }

    boolean namespaceExists(String namespace) {
        return Files.exists(Path.of("/run/netns", namespace));
    }

    private void batch(String namespace, String... commands) {
        List<String> ip = namespace == null ? List.of("ip", "-batch", "-") : List.of("ip", "-n", namespace, "-batch", "-");
        ExecResult r = sh.run(ip, String.join("\n", commands) + "\n", CALL);
        if (!r.ok()) {
            throw new EnvironmentException("cannot set up the lab network" + (namespace == null ? "" : " in "
                    + namespace) + ": " + (r.stderr() + r.stdout()).trim());
        }
    }

    private ExecResult run(String... argv) {
        ExecResult r = sh.run(List.of(argv), null, CALL);
        if (!r.ok()) {
            throw new EnvironmentException("`" + String.join(" ", argv) + "` failed: " + (r.stderr() + r.stdout())
                    .trim());
        }
        return r;
    }

    public static boolean isRoot() {
        for (String line : readLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("Uid:")) {
                return line.split("\\s+")[2].equals("0"); // effective uid
            }
        }
        return false;
    }

    private static String readFirstLine(Path p) {
        List<String> l = readLines(p);
        return l.isEmpty() ? "" : l.get(0).trim();
    }

    private static List<String> readLines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }
}
