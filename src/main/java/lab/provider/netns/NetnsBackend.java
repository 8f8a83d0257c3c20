package lab.provider.netns;

import lab.transport.Shell;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import lab.machine.Machine;
import lab.machine.NamespaceProfile;
import lab.net.LinkRules;
import lab.provider.Lab;
import lab.provider.LabDir;
import lab.provider.LabState;
import lab.provider.SshNodeBackend;
import lab.provider.NodeState;
import lab.provider.Processes;
import lab.provider.SshFaults;
import lab.provider.local.EtcdLaunch;
import lab.render.NodeEtcd;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;
import lab.spec.Subnet;
import lab.transport.SshTransport;

/**
 * The netns provider: every node is a Linux network namespace with the spec's address on a lab bridge, its own
 * sshd and its own iptables, and the lab drives it only over SSH, as it drives VMs: etcd through the namespace
 * {@link NamespaceProfile}'s supervisor, partitions as iptables rules inside the nodes (no proxy), delays through
 * the lab's peer proxies on the host.
 *
 * <p>Namespaces share the host's file system and PID space: a node's directory under .lab/ is the node's own
 * directory, and the PID its supervisor reports is a PID of this machine, which is what lets {@code lab down} stop
 * every process by PID after a crash.
 */
public final class NetnsBackend extends SshNodeBackend {
    private static final Duration CONNECT = Duration.ofSeconds(15);
    private final HostNetwork host = new HostNetwork();
    private final Map<String, Machine> machines = new ConcurrentHashMap<>();

    @Override
    public int reserve(Path workDir, LabSpec spec, Integer block) {
        EtcdLaunch.etcdBinary(); // namespace nodes run this machine's etcd
        host.check(spec.subnet(), spec.name());
        return 0;
    }

    @Override
    public void prepare(Lab lab, LabSpec spec) {
        Path root = lab.dir().root();
        LabState s = lab.state();
        Subnet subnet = spec.subnet();
        NetnsLayout layout = NetnsLayout.fresh(root, s.hostSpecAddress(), subnet.prefix());
        layout.write(root);
        NetnsRuntime.create(layout);
        // Who holds the bridge: read when another lab's subnet collides with it (HostNetwork.check).
        NetnsRuntime.write(NetnsRuntime.root(layout).resolve("lab-root"), root.toAbsolutePath().normalize() + "\n",
                "rw-r--r--");
        host.createBridge(layout);
        Sshd.clientKeys(root, s.name(), NetnsRuntime.root(layout));
        for (NodeState n : s.nodes()) {
            layout = addNode(lab, layout, n);
        }
        // Connections are set up side by side (each costs a key exchange).
        SshFaults.parallel(s.nodes(), n -> machine(lab, n.name()).transport().exec("true", CONNECT));
    }

    /** Creates a node's namespace and sshd, and installs the supervisor through SSH. */
    private NetnsLayout addNode(Lab lab, NetnsLayout layout, NodeState n) {
        Path root = lab.dir().root();
        NetnsLayout l = layout.plus(n.name(), n.specAddress());
        l.write(root);
        NetnsLayout.NodeNet net = l.node(n.name()).orElseThrow();
        host.addNode(l, net);
        Path nodeDir = lab.dir().nodeDir(n.name()).toAbsolutePath();
        try {
            Files.createDirectories(nodeDir); // sshd's log, etcd's log and data
        } catch (IOException e) {
            throw new EnvironmentException("cannot create " + nodeDir + ": " + e.getMessage(), e);
        }
        NetnsRuntime.create(l);
        installSupervisor(l, n.name());
        String known = Sshd.configure(NetnsRuntime.root(l), NetnsRuntime.node(l, n.name()), n.specAddress());
        appendKnownHost(root, known);
        Processes.Started sshd = Sshd.start(net.namespace(), n.name(), NetnsRuntime.node(l, n.name()), nodeDir);
        l = l.with(net.withSshd(sshd.pid(), sshd.startedAt()));
        l.write(root);
        return l;
    }

    /** Adds a node to a running lab (a member added at run time). */
    public void addNode(Lab lab, NodeState n) {
        NetnsLayout l = layout(lab.dir());
        if (l.node(n.name()).isEmpty()) {
            addNode(lab, l, n);
        }
    }

    @Override
    public Processes.Started startEtcd(Lab lab, NodeState n, NodeEtcd etcd, Map<String, String> extraEnv) {
        if (NetnsLayout.read(lab.dir().root()).flatMap(l -> l.node(n.name())).isEmpty()) {
            addNode(lab, n);
        }
        Path nodeDir = lab.dir().nodeDir(n.name()).toAbsolutePath();
        Map<String, String> env = new HashMap<>(etcd.env());
        if (env.containsKey("ETCD_DATA_DIR")) {
            env.put("ETCD_DATA_DIR", nodeDir.resolve("data").toString());
        }
        // a TLS lab's certificates: the node's own files in pki/, which the namespaces share with this machine
        EtcdLaunch.localCerts(env, lab.dir().root().resolve("pki").toAbsolutePath(), n.name());
        env.putAll(extraEnv);
        Machine m = machine(lab, n.name());
        NetnsLayout l = layout(lab.dir());
        installSupervisor(l, n.name());
        String run = EtcdRun.script(etcd.kind(), env, EtcdLaunch.etcdBinary(), lab.state().name(), n.name());
        // etcd.run goes along with the start: one SSH round trip per node
        long pid = m.start(Shell.heredoc("cat > " + Shell.quote(NetnsRuntime.node(l, n.name()) + "/etcd.run"),
                run))
                .orElseThrow(() -> new EnvironmentException(n.name() + ": the supervisor started etcd but reported "
                        + "no PID"));
        // namespaces share this machine's PID space: the supervisor's PID is one of ours
        return Processes.adopt(pid).orElseThrow(() -> new EnvironmentException(n.name() + ": etcd exited right after it started; see "
                        + lab.dir().log(n.name())));
    }

    /**
     * The supervisor, written afresh (never a copy found there) into the node's runtime directory, which only root
     * can write. The file system is the host's, so it is written from here rather than over SSH.
     */
    private static void installSupervisor(NetnsLayout l, String node) {
        try (InputStream in = NamespaceProfile.class.getResourceAsStream(NamespaceProfile.SUPERVISOR)) {
            NetnsRuntime.write(NetnsRuntime.node(l, node).resolve(NamespaceProfile.SUPERVISOR), new String(
                    Objects.requireNonNull(in, "supervisor resource").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8), "rwxr-xr-x");
        } catch (IOException e) {
            throw new EnvironmentException("cannot install the etcd supervisor: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean alive(Lab lab, NodeState n) {
        return Processes.alive(n.pid(), n.startedAt());
    }

    /**
     * Partitions are iptables rules on the nodes. Delays go through the lab's own peer proxies, which the daemon runs
     * on the host while any delay is in force: every member's peer connections are redirected to them (DNAT inside
     * the nodes), so no netem is needed. The proxies get the cuts too, since redirected traffic reaches a node from
     * the host's address, which its DROP rules do not name. When the redirect is set or cleared, every member's
     * established peer connections are closed at both ends, so that etcd dials them again the new way at once.
     */
    @Override
    public void rules(Lab lab, LinkRules r) {
        boolean wasDelayed = !rules(lab).delays().isEmpty();
        SshFaults.apply(lab, r, node -> machine(lab, node), false);
        lab.daemon().rules(r);
        List<NodeState> members = lab.state().members();
        if (!r.delays().isEmpty()) {
            Map<String, Integer> proxies = lab.daemon().delayProxies();
            SshFaults.parallel(members, n -> {
                Map<String, Integer> portOf = new HashMap<>();
                for (NodeState peer : members) {
                    if (!peer.name().equals(n.name()) && proxies.containsKey(peer.name())) {
                        portOf.put(peer.address(), proxies.get(peer.name()));
                    }
                }
                machine(lab, n.name()).redirectPeers(lab.state().hostSpecAddress(), portOf);
            });
        } else if (wasDelayed) {
            SshFaults.parallel(members, n -> machine(lab, n.name()).clearRedirect());
        }
        if (!r.delays().isEmpty() || wasDelayed) {
            // Only once every member has its redirect: connections dialed again go the new way from either end.
            SshFaults.parallel(members, n -> machine(lab, n.name()).resetPeerConnections());
        }
    }

    /**
     * Kills every process inside the lab's namespaces (by the PIDs the kernel lists for them, and the recorded
     * ones), then deletes the namespaces and the bridge. The iptables rules lived inside the namespaces.
     */
    @Override
    public void destroy(LabDir dir, LabState s) {
        machines.values().forEach(Machine::close);
        machines.clear();
        // every process of the lab at once (recorded etcd and sshd, and whatever else runs in its namespaces:
        // units, sessions), then the namespaces and the bridge in one batch each
        List<long[]> all = new ArrayList<>();
        s.nodes().forEach(n -> all.add(new long[] {n.pid(), n.startedAt()}));
        Optional<NetnsLayout> layout = NetnsLayout.read(dir.root());
        layout.ifPresent(l -> l.nodes().forEach(n -> {
            all.add(new long[] {n.sshdPid(), n.sshdStartedAt()});
            for (long pid : host.pids(n.namespace())) {
                ProcessHandle.of(pid).ifPresent(h -> all.add(new long[] {pid,
                        h.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L)}));
            }
        }));
        Processes.killAll(all);
        layout.ifPresent(l -> {
            host.deleteNodes(l.nodes());
            host.deleteBridge(l);
            NetnsRuntime.delete(l);
        });
    }

    @Override
    public Machine machine(Lab lab, String node) {
        return machines.computeIfAbsent(node, name -> {
            NodeState n = lab.node(name);
            Path root = lab.dir().root();
            return new Machine(name, new NamespaceProfile(NetnsRuntime.node(layout(lab.dir()), name).toString(),
                    lab.dir().nodeDir(name).toAbsolutePath().toString()),
                    new SshTransport(n.address(), 22, Sshd.USER, Sshd.clientKey(root), Sshd.knownHosts(root),
                            CONNECT), false);
        });
    }

    /** What lab ssh needs: user, address, key and known_hosts of a node. */
    public static List<String> sshArguments(LabDir dir, NodeState n) {
        return List.of("-i", Sshd.clientKey(dir.root()).toAbsolutePath().toString(), "-o", "IdentitiesOnly=yes",
                "-o", "UserKnownHostsFile=" + Sshd.knownHosts(dir.root()).toAbsolutePath(), "-o",
                "StrictHostKeyChecking=yes", "-o", "BatchMode=yes", Sshd.USER + "@" + n.address());
    }

    static NetnsLayout layout(LabDir dir) {
        return NetnsLayout.read(dir.root()).orElseThrow(() -> new EnvironmentException("lab \"" + dir.name()
                + "\" has no netns.tsv; it was not brought up by the netns provider"));
    }

    private static synchronized void appendKnownHost(Path root, String line) {
        Path kh = Sshd.knownHosts(root);
        try {
            Files.createDirectories(kh.getParent());
            Files.writeString(kh, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + kh + ": " + e.getMessage(), e);
        }
    }

    @Override
    public java.util.Optional<Path> hostDataDir(Lab lab, NodeState n) {
        return java.util.Optional.of(lab.dir().dataDir(n.name()).toAbsolutePath());
    }
}
