package lab.provider.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import lab.daemon.DaemonClient;
import lab.provider.LabDir;
import lab.provider.LabState;
import lab.provider.NodeState;
import lab.render.EtcdEnvReader;
import lab.render.LabRenderer;
import lab.render.NodeEtcd;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.Ipv4;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;
import lab.spec.ProviderKind;

/**
 * A lab of real etcd processes on loopback addresses: one process per member on 127.B.x.y:2379/2380, built from
 * the rendered user-data of its role. Every operation is usable from code (the scenario engine) and from the CLI.
 */
public final class LocalLab {
    static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private final LabDir dir;
    private final Consumer<String> log;
    private volatile LabState state;
    /** Set by destroy(): a bring-up interrupted by Ctrl-C must not write the lab back after it was removed. */
    private volatile boolean destroyed;

    private LocalLab(LabDir dir, LabState state, Consumer<String> log) {
        this.dir = dir;
        this.state = state;
        this.log = log;
    }

    /** Opens a running lab; bad input (exit 2) when there is none of that name. */
    public static LocalLab open(Path workDir, String name, Consumer<String> log) {
        LabDir dir = new LabDir(workDir, name);
        LabState s = dir.read().orElseThrow(() -> new BadInputException("no lab \"" + name + "\" here (" + dir.root()
                + "); `lab ls` lists the labs, `lab up` starts one"));
        return new LocalLab(dir, s, log);
    }

    public LabState state() {
        return state;
    }

    public LabDir dir() {
        return dir;
    }

    public DaemonClient daemon() {
        return new DaemonClient(hostAddress(), state.daemonPort());
    }

    String hostAddress() {
        return "127." + state.block() + ".0.1";
    }

    /**
     * Creates the lab's processes (daemon, then members, proxies) and returns once they run; {@link Readiness}
     * decides when the cluster is ready. On any failure everything started is stopped again.
     *
     * @param block the loopback block to use (127.block.x.y), or null to pick a free one
     */
    public static LocalLab create(Path workDir, LabSpec spec, Integer block, Consumer<String> log) {
        return create(workDir, spec, block, log, lab -> { });
    }

    /**
     * @param created told about the lab before its first process starts, so that an interrupted bring-up (Ctrl-C)
     *     can destroy exactly what was started
     */
    public static LocalLab create(Path workDir, LabSpec spec, Integer block, Consumer<String> log,
                                  Consumer<LocalLab> created) {
        if (spec.provider() != ProviderKind.LOCAL) {
            throw new BadInputException("this lab's provider is " + spec.provider().id() + "; only the local provider "
                    + "exists so far (pass --provider local)");
        }
        String etcd = EtcdLaunch.etcdBinary();
        LabDir dir = new LabDir(workDir, spec.name());
        dir.read().ifPresent(old -> {
            if (old.nodes().stream().anyMatch(n -> Processes.alive(n.pid(), n.startedAt()))
                    || Processes.alive(old.daemonPid(), old.daemonStartedAt())) {
                throw new BadInputException("lab \"" + spec.name() + "\" is already up; `lab down --name "
                        + spec.name() + "` first, or pick another --name");
            }
            dir.delete();
        });
        LabState s;
        LocalAddresses addresses;
        // Claiming a block and recording it must be one step for labs brought up side by side (lab run --parallel).
        synchronized (LocalLab.class) {
            addresses = Blocks.claim(workDir, spec, block);
            LabRenderer.Rendered rendered = LabRenderer.render(spec);
            List<NodeState> nodes = new ArrayList<>();
            Map<String, String> userData = new HashMap<>();
            for (NodeSpec n : spec.nodes()) {
                String local = addresses.map(n.address());
                NodeEtcd e = EtcdEnvReader.read(rendered.userData(n.name()), n.address(), n.name());
                userData.put(n.name(), rendered.userData(n.name()));
                nodes.add(new NodeState(n.name(), n.role(), n.address(), local, e.kind(), 0, 0, "", false, false, "",
                        NodeState.Process.NONE));
            }
            s = new LabState(spec.name(), spec.provider(), spec.source(), addresses.block(),
                    Ipv4.format(spec.subnet().hostAddress()), spec.bootstrap() == lab.spec.Bootstrap.DISCOVERY, nodes,
                    userData, 0, 0, 0);
            dir.write(s);
        }
        LocalLab lab = new LocalLab(dir, s, log);
        created.accept(lab);
        try {
            // etcd spends its first ~2 s checking whether its peers already form a cluster and retries them
            // afterwards, so the members start while the daemon's JVM (and with it the peer proxies) comes up.
            Processes.Started daemon = lab.spawnDaemon();
            if (s.discovery()) {
                // etcd's discovery client backs off 2 s after a refused connection: let the service listen first.
                lab.awaitDaemon(daemon);
            }
            for (NodeState n : lab.state.nodes()) {
                if (n.hasEtcd()) {
                    lab.start(n.name());
                }
            }
            if (!s.discovery()) {
                lab.awaitDaemon(daemon);
            }
        } catch (RuntimeException e) {
            lab.destroy();
            throw e;
        }
        log.accept("started " + spec.members().size() + " member(s) with " + etcd + " on 127." + addresses.block()
                + ".x.y");
        return lab;
    }

    private synchronized Processes.Started spawnDaemon() {
        if (destroyed) {
            throw new EnvironmentException("lab \"" + state.name() + "\" was taken down while this command ran");
        }
        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "-cp", System.getProperty("java.class.path"),
                "lab.Main", "daemon", "--dir", dir.root().toAbsolutePath().toString(), "--host", hostAddress());
        Processes.Started p = Processes.start(cmd, Map.of(), dir.daemonLog());
        state = state.withDaemon(p.pid(), p.startedAt(), 0);
        write();
        return p;
    }

    private void awaitDaemon(Processes.Started p) {
        Path info = dir.root().resolve("daemon.json");
        Readiness.awaitDaemon(info, p, dir.daemonLog());
        try {
            int port = LabDir.json().readTree(info.toFile()).path("port").asInt();
            state = state.withDaemon(p.pid(), p.startedAt(), port);
            write();
        } catch (java.io.IOException e) {
            throw new EnvironmentException("the lab daemon wrote an unreadable " + info + ": " + e.getMessage(), e);
        }
    }

    /** Starts a node's etcd (member, gateway or proxy) from its user-data; a no-op when it already runs. */
    public synchronized void start(String name) {
        NodeState n = node(name);
        if (!n.hasEtcd() || Processes.alive(n.pid(), n.startedAt())) {
            return;
        }
        if (destroyed) {
            throw new EnvironmentException("lab \"" + state.name() + "\" was taken down while this command ran");
        }
        NodeEtcd etcd = EtcdEnvReader.read(state.userData().get(n.name()), n.specAddress(), n.name());
        LocalAddresses addresses = new LocalAddresses(state.block());
        List<String> known = new ArrayList<>(state.nodes().stream().map(NodeState::specAddress).toList());
        known.add(state.hostSpecAddress());
        Map<String, String> env = EtcdLaunch.env(etcd, addresses, known, dir.dataDir(n.name()).toString());
        if (n.joined()) {
            env.put("ETCD_INITIAL_CLUSTER", n.initialCluster());
            env.put("ETCD_INITIAL_CLUSTER_STATE", "existing");
        }
        List<String> cmd = EtcdLaunch.command(etcd.kind(), env);
        if (etcd.kind() == NodeEtcd.Kind.GATEWAY) {
            env.clear();
        }
        try {
            Files.createDirectories(dir.nodeDir(n.name()));
        } catch (java.io.IOException e) {
            throw new EnvironmentException("cannot create " + dir.nodeDir(n.name()) + ": " + e.getMessage(), e);
        }
        String busy = LocalAddresses.firstInUse(List.of(n.address()), 2379);
        if (busy != null) {
            throw new EnvironmentException(busy + " is already in use by another program; stop it or run this lab "
                    + "under another --name (it gets another address block)");
        }
        Processes.Started p = Processes.start(cmd, env, dir.log(n.name()));
        update(n.withProcess(p.pid(), p.startedAt(), NodeState.Process.RUNNING));
    }

    /** SIGKILL: the process dies mid-write, as on a power cut. */
    public void kill(String name) {
        NodeState n = node(name);
        Processes.kill(n.pid(), n.startedAt());
        update(n.withProcess(0, 0, NodeState.Process.KILLED));
    }

    /** SIGTERM and wait for a clean exit (SIGKILL after a grace period). */
    public void stop(String name) {
        NodeState n = node(name);
        Processes.stop(n.pid(), n.startedAt(), STOP_GRACE);
        update(n.withProcess(0, 0, NodeState.Process.STOPPED));
    }

    /** Stop, then start again with the same data directory: the member comes back with its id and its data. */
    public void restart(String name) {
        stop(name);
        start(name);
    }

    /** Stop and delete the data directory: the stateless-node reboot. */
    public void wipe(String name) {
        stop(name);
        deleteData(name);
        update(node(name).withProcess(0, 0, NodeState.Process.WIPED));
    }

    public void pause(String name) {
        NodeState n = runningNode(name, "pause");
        Processes.signal(n.pid(), n.startedAt(), "STOP");
        update(n.withProcess(n.pid(), n.startedAt(), NodeState.Process.PAUSED));
    }

    public void resume(String name) {
        NodeState n = node(name);
        Processes.signal(n.pid(), n.startedAt(), "CONT");
        if (Processes.alive(n.pid(), n.startedAt())) {
            update(n.withProcess(n.pid(), n.startedAt(), NodeState.Process.RUNNING));
        }
    }

    void deleteData(String name) {
        Path data = dir.dataDir(name);
        if (!Files.exists(data)) {
            return;
        }
        try (var all = Files.walk(data)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (java.io.IOException e) {
            throw new EnvironmentException("cannot delete " + data + ": " + e.getMessage(), e);
        }
    }

    /** Stops every process of the lab (by PID, daemon last) and removes its directory. Works on any leftovers. */
    public synchronized void destroy() {
        destroyed = true;
        for (NodeState n : state.nodes()) {
            Processes.kill(n.pid(), n.startedAt());
        }
        Processes.kill(state.daemonPid(), state.daemonStartedAt());
        dir.delete();
    }

    public NodeState node(String name) {
        return state.node(name).orElseThrow(() -> new BadInputException("no node \"" + name + "\" in lab \""
                + state.name() + "\"; it has " + String.join(", ", state.nodes().stream().map(NodeState::name)
                .toList())));
    }

    private NodeState runningNode(String name, String what) {
        NodeState n = node(name);
        if (!Processes.alive(n.pid(), n.startedAt())) {
            throw new BadInputException("cannot " + what + " " + name + ": it is not running (" + n.process()
                    .name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return n;
    }

    synchronized void update(NodeState n) {
        state = state.with(n);
        write();
    }

    synchronized void replaceState(LabState s) {
        state = s;
        write();
    }

    private void write() {
        if (destroyed) {
            throw new EnvironmentException("lab \"" + state.name() + "\" was taken down while this command ran");
        }
        dir.write(state);
    }

    Consumer<String> log() {
        return log;
    }

    /** The client URLs of members whose process runs. */
    public List<String> liveEndpoints() {
        return state.members().stream().filter(n -> Processes.alive(n.pid(), n.startedAt()))
                .map(NodeState::clientUrl).toList();
    }

    public Optional<NodeState> byAddress(String localAddress) {
        return state.nodes().stream().filter(n -> n.address().equals(localAddress)).findFirst();
    }
}
