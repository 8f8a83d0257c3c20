package lab.provider;

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
import lab.etcd.Auth;
import lab.render.EtcdEnvReader;
import lab.render.LabRenderer;
import lab.render.NodeEtcd;
import lab.pki.Pki;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.Ipv4;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;
import lab.spec.ProviderKind;

/**
 * A running lab: its recorded state, and every operation on its nodes, usable from code (the scenario engine) and
 * from the CLI. Each node runs etcd as its rendered user-data says; the provider's {@link NodeBackend} says where
 * (processes on loopback addresses, network namespaces reached over SSH) and how faults are applied.
 */
public final class Lab {
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private final LabDir dir;
    private final Consumer<String> log;
    private final NodeBackend backend;
    private volatile LabState state;
    /** Set by destroy(): a bring-up interrupted by Ctrl-C must not write the lab back after it was removed. */
    private volatile boolean destroyed;

    private Lab(LabDir dir, LabState state, Consumer<String> log) {
        this.dir = dir;
        this.state = state;
        this.log = log;
        this.backend = backend(state.provider());
        // the addresses' scheme is this lab's: one JVM may run a TLS lab and later a plain one on the same addresses
        if (tls()) {
            lab.etcd.Tls.register(state.nodes().stream().map(NodeState::address).toList(), pki());
        } else {
            lab.etcd.Tls.unregister(state.nodes().stream().map(NodeState::address).toList());
        }
        registerAuth();
    }

    /** The lab's etcd users and whether its auth is on ({@code security: {auth: true}}); empty for a lab without. */
    public Optional<Auth.Secrets> auth() {
        return Auth.Secrets.read(dir.root().resolve(Auth.FILE));
    }

    /** Where the passwords of a lab with auth are kept (mode 0600). */
    public Path authFile() {
        return dir.root().resolve(Auth.FILE).toAbsolutePath();
    }

    /** Tells this JVM's clients which addresses are the lab's, with its users (called again for a new member). */
    void registerAuth() {
        List<String> addresses = state.nodes().stream().map(NodeState::address).toList();
        auth().ifPresentOrElse(s -> Auth.register(addresses, s), () -> Auth.unregister(addresses));
    }

    /**
     * For a lab with auth whose etcd does not have it on yet (the first time its cluster is ready): creates the users
     * and roles and enables auth through a member that answers, then marks it in auth.json and tells the daemon.
     * A no-op otherwise.
     */
    public synchronized void enableAuth() {
        // what this JVM registered (from auth.json, when the lab was opened): no file read on the way out, which is
        // every call once auth is on and every call for a lab without it
        if (state.members().isEmpty() || Auth.secrets(state.members().get(0).clientUrl()).map(Auth.Secrets::enabled)
                .orElse(true)) {
            return;
        }
        Optional<Auth.Secrets> secrets = auth();
        if (secrets.isEmpty() || secrets.get().enabled()) {
            return;
        }
        RuntimeException last = null;
        for (NodeState m : state.members()) {
            if (m.process() != NodeState.Process.RUNNING) {
                continue;
            }
            try {
                lab.etcd.EtcdHttp.enableAuth(m.clientUrl(), secrets.get(), Duration.ofSeconds(10));
                Auth.Secrets on = secrets.get().enable();
                on.write(dir.root().resolve(Auth.FILE));
                registerAuth();
                if (state.daemonPid() != 0) {
                    daemon().reload();
                }
                log.accept("etcd auth enabled: users root and lab, passwords in " + authFile());
                return;
            } catch (lab.etcd.EtcdException e) {
                last = e;
            }
        }
        throw new EnvironmentException("could not enable etcd's auth: " + (last == null ? "no member runs"
                : last.getMessage()));
    }

    /** Whether the lab's etcd speaks TLS: it has a CA of its own (made by `lab up` for security: {tls: true}). */
    public boolean tls() {
        return Files.exists(dir.root().resolve("pki").resolve("ca.crt"));
    }

    /** The lab's certificates (TLS labs). */
    public lab.pki.Pki pki() {
        return lab.pki.Pki.at(dir.root().resolve("pki").toAbsolutePath());
    }

    /**
     * A TLS lab's certificate for a node, made when it has none (at `lab up`, and for a member added later): its
     * SANs are its hostname, localhost, its lab address, its address on this machine and 127.0.0.1.
     */
    void issueCertificate(NodeState n) {
        if (!tls() || Files.exists(pki().cert(n.name()))) {
            return;
        }
        pki().issueNode(n.name(), n.specAddress(), n.address());
        lab.etcd.Tls.register(List.of(n.address()), pki());
    }

    /**
     * When the lab of that name runs without its daemon (it died: SIGKILL, OOM), starts the daemon again as it was
     * ({@link #restartDaemon()}) and returns the lab; empty when there is no such lab, or its daemon runs, or nothing
     * of it runs (then `lab up` starts it afresh).
     */
    public static Optional<Lab> reviveDaemon(Path workDir, String name, Consumer<String> log) {
        LabDir dir = new LabDir(workDir, name);
        Optional<LabState> recorded = dir.read();
        if (recorded.isEmpty()) {
            return Optional.empty();
        }
        Lab lab = new Lab(dir, recorded.get(), log);
        boolean nodesRun = recorded.get().provider() == ProviderKind.VAGRANT
                || recorded.get().nodes().stream().anyMatch(n -> Processes.alive(n.pid(), n.startedAt()));
        if (lab.daemonProblem().isEmpty() || !nodesRun) {
            return Optional.empty();
        }
        lab.restartDaemon();
        return Optional.of(lab);
    }

    /**
     * What a lab's bring-up and state use, run once on made-up input so the launcher's class-data archive holds
     * those classes (spec parsing, rendering, the state's JSON): a cold `lab down` spent half its time loading
     * them.
     */
    public static void warmUp() {
        try {
            LabSpec spec = lab.spec.SpecLoader.parse("lab.yaml", "name: warm\nnodes: 3\n", lab.spec.Overrides.none())
                    .spec();
            LabRenderer.Rendered rendered = LabRenderer.render(spec);
            List<NodeState> nodes = new ArrayList<>();
            Map<String, String> userData = new HashMap<>();
            for (NodeSpec n : spec.nodes()) {
                NodeEtcd e = EtcdEnvReader.read(rendered.userData(n.name()), n.address(), n.name());
                userData.put(n.name(), rendered.userData(n.name()));
                nodes.add(new NodeState(n.name(), n.role(), n.address(), n.address(), e.kind(), 0, 0, "", false,
                        false, "", NodeState.Process.NONE));
            }
            LabState s = new LabState(spec.name(), spec.provider(), spec.source(), 0,
                    Ipv4.format(spec.subnet().hostAddress()), false, nodes, userData, 0, 0, 0);
            LabDir.json().readValue(LabDir.json().writeValueAsBytes(s), LabState.class);
            DaemonView.of(s).toText();
            warmUpTls();
        } catch (java.io.IOException | RuntimeException e) {
            // only the classes mattered
        }
    }

    /**
     * A TLS lab's first steps in this JVM, on made-up certificates: Bouncy Castle building them, SunEC signing,
     * and one TLS 1.3 handshake with a client certificate over loopback, so that the archive holds those classes
     * (a cold TLS `lab up` spent about 250 ms loading them: docs/benchmarks.md "TLS lab up").
     */
    private static void warmUpTls() throws java.io.IOException {
        Path tmp = Files.createTempDirectory("lab-warm-up");
        try {
            Pki pki = Pki.create(tmp.resolve("pki"), "warm");
            pki.issueNode("core-01", "127.0.0.1");
            try (javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) pki.context("core-01")
                    .getServerSocketFactory().createServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                server.setNeedClientAuth(true);
                server.setSoTimeout(5000);
                Thread accept = new Thread(() -> {
                    try (java.net.Socket s = server.accept()) {
                        s.getOutputStream().write(1);
                    } catch (java.io.IOException ignored) {
                        // the client says whether it worked; only the classes matter
                    }
                });
                accept.start();
                try (javax.net.ssl.SSLSocket c = (javax.net.ssl.SSLSocket) pki.context(Pki.CLIENT)
                        .getSocketFactory().createSocket(server.getInetAddress(), server.getLocalPort())) {
                    c.setSoTimeout(5000);
                    c.startHandshake();
                    c.getInputStream().read();
                }
                accept.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } finally {
            LabDir.deleteTree(tmp);
        }
    }

    /** Opens a running lab; bad input (exit 2) when there is none of that name. */
    public static Lab open(Path workDir, String name, Consumer<String> log) {
        LabDir dir = new LabDir(workDir, name);
        LabState s = dir.read().orElseThrow(() -> new BadInputException("no lab \"" + name + "\" here (" + dir.root()
                + "); `lab ls` lists the labs, `lab up` starts one"));
        return new Lab(dir, s, log);
    }

    public LabState state() {
        return state;
    }

    /**
     * Re-reads the recorded state. A long-lived Lab (the Java API's) must see what other processes and other Lab
     * objects of the same lab did meanwhile (a scenario run, the CLI, the page): the processes they started have
     * pids this object never saw, and a status or a teardown from a stale state would call them crashed or miss them.
     */
    public synchronized void refresh() {
        if (!destroyed) {
            dir.read().ifPresent(s -> state = s);
        }
    }

    public LabDir dir() {
        return dir;
    }

    /** The lab's daemon, on loopback with the lab's token (its control API; see {@link lab.daemon.Daemon}). */
    public DaemonClient daemon() {
        Path tokenFile = dir.root().resolve(lab.daemon.Daemon.TOKEN_FILE);
        try {
            return new DaemonClient("127.0.0.1", state.daemonPort(), Files.readString(tokenFile).trim());
        } catch (java.io.IOException e) {
            throw new EnvironmentException("lab \"" + state.name() + "\" has no readable " + tokenFile + " (made by "
                    + "`lab up`): " + e.getMessage() + "; `lab down --name " + state.name() + "` removes it", e);
        }
    }

    String hostAddress() {
        return backend.daemonHost(state);
    }

    /**
     * Creates the lab's processes (daemon, then members, proxies) and returns once they run; {@link Readiness}
     * decides when the cluster is ready. On any failure everything started is stopped again.
     *
     * @param block the loopback block to use (127.block.x.y), or null to pick a free one
     */
    public static Lab create(Path workDir, LabSpec spec, Integer block, Consumer<String> log) {
        return create(workDir, spec, block, log, lab -> { });
    }

    /**
     * @param created told about the lab before its first process starts, so that an interrupted bring-up (Ctrl-C)
     *     can destroy exactly what was started
     */
    public static Lab create(Path workDir, LabSpec spec, Integer block, Consumer<String> log,
                                  Consumer<Lab> created) {
        NodeBackend backend = backend(spec.provider());
        LabDir dir = new LabDir(workDir, spec.name());
        Optional<LabState> previous = dir.read();
        if (previous.isPresent()) {
            LabState old = previous.get();
            // VMs outlive every process of this machine: a Vagrant lab with a state is up until `lab down`.
            boolean up = old.provider() == ProviderKind.VAGRANT
                    || old.nodes().stream().anyMatch(n -> Processes.alive(n.pid(), n.startedAt()))
                    || Processes.alive(old.daemonPid(), old.daemonStartedAt());
            if (up && old.provider() == ProviderKind.VAGRANT && spec.provider() == ProviderKind.VAGRANT) {
                Lab lab = new Lab(dir, old, log);
                lab.backend.reprovision(lab, spec);
                return lab;
            }
            if (up) {
                throw new BadInputException("lab \"" + spec.name() + "\" is already up; `lab down --name "
                        + spec.name() + "` first, or pick another --name");
            }
            backend(old.provider()).destroy(dir, old);
            dir.delete();
        }
        LabState s;
        int claimed;
        // Claiming a block and recording it must be one step for labs brought up side by side (lab run --parallel).
        synchronized (Lab.class) {
            claimed = backend.reserve(workDir, spec, block);
            Pki pki = null;
            if (spec.security().tls()) {
                // before the rendering, which carries each member's certificate into its user-data
                pki = Pki.create(dir.root().resolve("pki").toAbsolutePath(), spec.name());
                for (NodeSpec n : spec.nodes()) {
                    pki.issueNode(n.name(), n.address(), backend.address(stateOf(spec, claimed), n.address()));
                }
            }
            if (spec.security().auth()) {
                // before any process: a lab whose auth is half set up still has its passwords on disk
                Auth.Secrets.generate().write(dir.root().resolve(Auth.FILE));
            }
            LabRenderer.Rendered rendered = LabRenderer.render(spec, pki);
            List<NodeState> nodes = new ArrayList<>();
            Map<String, String> userData = new HashMap<>();
            for (NodeSpec n : spec.nodes()) {
                String local = backend.address(stateOf(spec, claimed), n.address());
                NodeEtcd e = EtcdEnvReader.read(rendered.userData(n.name()), n.address(), n.name());
                userData.put(n.name(), rendered.userData(n.name()));
                nodes.add(new NodeState(n.name(), n.role(), n.address(), local, e.kind(), 0, 0, "", false, false, "",
                        NodeState.Process.NONE));
            }
            s = new LabState(spec.name(), spec.provider(), spec.source(), claimed,
                    Ipv4.format(spec.subnet().hostAddress()), spec.bootstrap() == lab.spec.Bootstrap.DISCOVERY, nodes,
                    userData, 0, 0, 0);
            dir.write(s);
        }
        Lab lab = new Lab(dir, s, log);
        created.accept(lab);
        try {
            lab.backend.prepare(lab, spec);
            // etcd spends its first ~2 s checking whether its peers already form a cluster and retries them
            // afterwards, so the members start while the daemon's JVM (and with it the peer proxies) comes up.
            Processes.Started daemon = lab.spawnDaemon();
            if (s.discovery()) {
                // etcd's discovery client backs off 2 s after a refused connection: let the service listen first.
                lab.awaitDaemon(daemon);
            }
            for (NodeState n : lab.state.nodes()) {
                if (n.hasEtcd()) {
                    lab.launch(n.name(), Map.of()); // the cluster forms below: Readiness says whether it did
                }
            }
            if (!s.discovery()) {
                lab.awaitDaemon(daemon);
            }
        } catch (RuntimeException e) {
            try {
                lab.destroy();
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
                throw new EnvironmentException(e.getMessage() + "; and taking the half-made lab down failed too: "
                        + cleanup.getMessage() + " (its state is kept in " + lab.dir().root() + "; `lab down --name "
                        + spec.name() + "` retries)", e);
            }
            throw e;
        }
        log.accept("started " + spec.members().size() + " member(s) on " + (claimed > 0 ? lab.state.addressRange()
                : spec.subnet() + " (" + spec.provider().id() + ")"));
        return lab;
    }

    /**
     * What is wrong with the lab's daemon, if anything. It carries every peer link of a local lab (the members reach
     * each other only through its proxies), a netns lab's delays, every lab's fleet and discovery: when it is gone
     * the lab is not what its state says, so commands on it stop and say so.
     */
    public Optional<String> daemonProblem() {
        LabState s = state;
        if (s.daemonPid() == 0 || destroyed || Processes.alive(s.daemonPid(), s.daemonStartedAt())) {
            return Optional.empty(); // running, or not started yet (a bring-up in progress)
        }
        String carried = switch (s.provider()) {
            case LOCAL -> "and with it every peer link between the members";
            case NETNS -> "and with it the lab's delays, fleet and discovery";
            case VAGRANT -> "and with it the lab's fleet and discovery";
        };
        return Optional.of("lab \"" + s.name() + "\"'s daemon (pid " + s.daemonPid() + ") is gone, " + carried
                + " (its log: " + dir.daemonLog() + "); `lab up --name " + s.name() + "` starts it again with the faults "
                + "in force, `lab down --name " + s.name() + "` removes the lab");
    }

    /** Throws (exit 4) with {@link #daemonProblem()} when the daemon is gone. */
    public void requireDaemon() {
        Optional<String> problem = daemonProblem();
        if (problem.isPresent()) {
            throw new EnvironmentException(problem.get());
        }
    }

    /**
     * Starts the daemon of a lab whose nodes run without it, as it was: its proxies from the lab's view, the faults
     * in force from the rules it kept (rules.txt), fleet's agents if the lab used fleet (the units its predecessor
     * ran are started afresh), and on netns the members' redirects to its new delay proxies.
     */
    synchronized void restartDaemon() {
        long old = state.daemonPid();
        Processes.Started p = spawnDaemon();
        awaitDaemon(p);
        lab.net.LinkRules r = rules();
        if (!r.isEmpty()) {
            rules(r);
        }
        log.accept("restarted the lab's daemon (pid " + p.pid() + "; pid " + old + " had gone)"
                + (r.isEmpty() ? "" : "; restored " + r.cut().size() + " cut link(s) and " + r.delays().size()
                + " delay(s)"));
    }

    private synchronized Processes.Started spawnDaemon() {
        if (destroyed) {
            throw new EnvironmentException("lab \"" + state.name() + "\" was taken down while this command ran");
        }
        writeToken();
        try {
            Files.deleteIfExists(dir.root().resolve("daemon.json")); // a dead predecessor's: not this one's port
        } catch (java.io.IOException e) {
            throw new EnvironmentException("cannot remove " + dir.root().resolve("daemon.json") + ": "
                    + e.getMessage(), e);
        }
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k"));
        String archive = System.getProperty("lab.jsa");
        if (archive != null && Files.exists(Path.of(archive))) {
            // the launcher's class-data archive (same class path): its TLS classes made a TLS lab's first peer
            // handshakes 150 ms instead of 230 (docs/benchmarks.md "TLS lab up")
            cmd.addAll(List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:disable"));
        }
        cmd.addAll(List.of(
                // a small heap to start from: the JVM's default (1/64 of the machine's memory) let an open page's
                // garbage grow the daemon by 89 MiB before the first collection (docs/benchmarks.md)
                "-Xms24m", "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "lab.Main", "daemon", "--dir", dir.root().toAbsolutePath().toString(), "--host", hostAddress()));
        Processes.Started p = Processes.start(cmd, Map.of(), dir.daemonLog());
        mutate(s -> s.withDaemon(p.pid(), p.startedAt(), 0));
        return p;
    }

    /** A fresh random token for the daemon's control API, readable by this user only. */
    private void writeToken() {
        byte[] random = new byte[24];
        new java.security.SecureRandom().nextBytes(random);
        Path f = dir.root().resolve(lab.daemon.Daemon.TOKEN_FILE);
        try {
            Files.deleteIfExists(f);
            Files.createFile(f, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, java.util.HexFormat.of().formatHex(random) + "\n");
        } catch (java.io.IOException e) {
            throw new EnvironmentException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    private void awaitDaemon(Processes.Started p) {
        Path info = dir.root().resolve("daemon.json");
        Readiness.awaitDaemon(info, p, dir.daemonLog());
        try {
            int port = LabDir.json().readTree(info.toFile()).path("port").asInt();
            mutate(s -> s.withDaemon(p.pid(), p.startedAt(), port));
        } catch (java.io.IOException e) {
            throw new EnvironmentException("the lab daemon wrote an unreadable " + info + ": " + e.getMessage(), e);
        }
    }

    /** Starts a node's etcd (member, gateway or proxy) from its user-data; a no-op when it already runs. */
    public synchronized void start(String name) {
        start(name, Map.of());
    }

    /**
     * Starts the node's etcd with settings added for this start only (ETCD_FORCE_NEW_CLUSTER), and waits as
     * {@link #start(String)} does.
     */
    public synchronized void start(String name, Map<String, String> extraEnv) {
        if (launch(name, extraEnv)) {
            awaitServingOrDead(node(name));
        }
    }

    /** Starts the node's etcd without waiting for a verdict; whether it started a process. */
    private synchronized boolean launch(String name, Map<String, String> extraEnv) {
        NodeState n = faultable(name, "start");
        if (!n.hasEtcd()) {
            return false;
        }
        if (backend.alive(this, n)) {
            if (n.process() == NodeState.Process.NONE) {
                // started by the node itself (a VM's etcd starts at boot from its user-data)
                update(n.withProcess(n.pid(), n.startedAt(), NodeState.Process.RUNNING));
            }
            return false;
        }
        if (destroyed) {
            throw new EnvironmentException("lab \"" + state.name() + "\" was taken down while this command ran");
        }
        NodeEtcd etcd = etcdOf(n);
        Map<String, String> joined = new HashMap<>();
        if (n.joined()) {
            joined.put("ETCD_INITIAL_CLUSTER", n.initialCluster());
            joined.put("ETCD_INITIAL_CLUSTER_STATE", "existing");
        }
        joined.putAll(extraEnv);
        try {
            Files.createDirectories(dir.nodeDir(n.name()));
        } catch (java.io.IOException e) {
            throw new EnvironmentException("cannot create " + dir.nodeDir(n.name()) + ": " + e.getMessage(), e);
        }
        Processes.Started p = backend.startEtcd(this, n, etcd, joined);
        update(n.withProcess(p.pid(), p.startedAt(), NodeState.Process.RUNNING));
        return true;
    }

    /** How long a started etcd may take to join or die before a start is reported (it may still come up later). */
    static final Duration START_VERDICT = Duration.ofSeconds(10);

    /**
     * After a start: waits until the node's etcd has joined (its status names a leader, and it is still alive a
     * moment later) or its process is gone. Gone is a crash: recorded as such and reported with the end of its log
     * (a wiped member started again panics when the leader's first heartbeat arrives: "tocommit(19) is out of range
     * [lastIndex(0)]"). Where no member has a leader (every member was stopped), etcd does not serve clients until
     * there is one, so only a quick exit is looked for.
     */
    private void awaitServingOrDead(NodeState n) {
        if (n.role() != lab.spec.Role.MEMBER) {
            return;
        }
        boolean leaderElsewhere = state.members().stream().filter(m -> !m.name().equals(n.name()))
                .filter(Lab::inService).anyMatch(m -> leaderOf(m) != 0);
        boolean[] dead = {false};
        try {
            org.awaitility.Awaitility.await(n.name() + " to join or exit").atMost(leaderElsewhere ? START_VERDICT
                    : Duration.ofMillis(500)).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100)).until(() -> {
                        if (!backend.alive(this, n)) {
                            dead[0] = true;
                            return true;
                        }
                        return leaderElsewhere && leaderOf(n) != 0;
                    });
            if (!dead[0]) {
                // joined: the leader's first heartbeat is what a member with lost data dies of
                org.awaitility.Awaitility.await(n.name() + " to stay up").atMost(Duration.ofSeconds(2))
                        .pollInSameThread().during(Duration.ofMillis(300)).pollInterval(Duration.ofMillis(100))
                        .until(() -> backend.alive(this, n));
            }
        } catch (org.awaitility.core.ConditionTimeoutException undecided) {
            dead[0] = !backend.alive(this, n);
            if (!dead[0]) {
                return; // alive and not (yet) joined: still starting, or no cluster to join; status tells later
            }
        }
        if (dead[0]) {
            update(node(n.name()).withProcess(0, 0, NodeState.Process.CRASHED));
            throw new NodeCrashedException(n.name(), n.name() + " crashed right after it was started: its etcd "
                    + "exited by itself. The end of its log:\n" + backend.logTail(this, n, 15));
        }
    }

    /** The leader a member names (0: none, or no answer). */
    private static long leaderOf(NodeState m) {
        try {
            return lab.etcd.EtcdHttp.status(m.clientUrl(), Duration.ofMillis(300)).leaderId();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Records the user-data the nodes now run with (after a re-provisioning). */
    public synchronized void userDataApplied(Map<String, String> byNode) {
        mutate(s -> {
            LabState out = s;
            for (Map.Entry<String, String> e : byNode.entrySet()) {
                out = out.withUserData(e.getKey(), e.getValue());
            }
            return out;
        });
    }

    /** The etcd the node's user-data describes. */
    public NodeEtcd etcdOf(NodeState n) {
        return EtcdEnvReader.read(state.userData().get(n.name()), n.specAddress(), n.name());
    }

    /** Cuts the node's power (VMs); elsewhere a kill. etcd is down until the node is started again. */
    public void powerOff(String name) {
        NodeState n = faultable(name, "power off");
        backend.powerOff(this, n);
        update(n.withProcess(0, 0, NodeState.Process.KILLED));
    }

    /** Reboots the node (VMs: through Vagrant); elsewhere a restart of etcd. etcd comes back with its data. */
    public void reboot(String name) {
        NodeState n = faultable(name, "reboot");
        backend.reboot(this, n);
        update(node(name).withProcess(0, 0, NodeState.Process.NONE));
        start(name);
    }

    /** SIGKILL: the process dies mid-write, as on a power cut. */
    public void kill(String name) {
        NodeState n = faultable(name, "kill");
        backend.kill(this, n);
        update(n.withProcess(0, 0, NodeState.Process.KILLED));
    }

    /** SIGTERM and wait for a clean exit (SIGKILL after a grace period). */
    public void stop(String name) {
        NodeState n = faultable(name, "stop");
        backend.stop(this, n, STOP_GRACE);
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
        faultable(name, "pause");
        NodeState n = runningNode(name, "pause");
        backend.signal(this, n, "STOP");
        update(n.withProcess(n.pid(), n.startedAt(), NodeState.Process.PAUSED));
    }

    public void resume(String name) {
        NodeState n = faultable(name, "resume");
        if (n.pid() == 0) {
            return;
        }
        backend.signal(this, n, "CONT");
        if (backend.alive(this, n)) {
            update(n.withProcess(n.pid(), n.startedAt(), NodeState.Process.RUNNING));
        }
    }

    void deleteData(String name) {
        backend.deleteData(this, node(name));
    }

    /** Where a node with this spec address is reached from this machine. */
    public String address(String specAddress) {
        return backend.address(state, specAddress);
    }

    /** The provider's side of the lab, for what only one provider has (SSH to netns nodes). */
    public NodeBackend backend() {
        return backend;
    }

    /** Runs a shell command on the node (see {@link NodeBackend#exec}). */
    public lab.transport.ExecResult exec(String name, String command, Map<String, String> env, Duration timeout) {
        return backend.exec(this, node(name), command, env, timeout);
    }

    /** Whether the node's etcd process runs (also when it is paused). */
    public boolean alive(NodeState n) {
        return backend.alive(this, n);
    }

    /** The network faults in force. */
    public lab.net.LinkRules rules() {
        return backend.rules(this);
    }

    /** Replaces the network faults in force. */
    public void rules(lab.net.LinkRules r) {
        backend.rules(this, r);
    }

    /** Stops every process of the lab (by PID, the daemon first) and removes its directory. Works on any leftovers. */
    public synchronized void destroy() {
        destroyed = true;
        destroy(dir, state);
        lab.etcd.Tls.unregister(state.nodes().stream().map(NodeState::address).toList());
        Auth.unregister(state.nodes().stream().map(NodeState::address).toList());
    }

    /** Removes whatever a recorded lab left: its processes, its network objects, its directory. */
    public static void destroy(LabDir dir, LabState s) {
        // The daemon first: its fleet agents would otherwise start units again while they are being stopped.
        Processes.killAll(List.of(new long[] {s.daemonPid(), s.daemonStartedAt()}));
        backend(s.provider()).destroy(dir, s);
        // Only once everything is gone: the state is how a failed `lab down` (say, vagrant missing) is retried.
        dir.delete();
    }

    /** The backend of a provider. */
    static NodeBackend backend(ProviderKind kind) {
        return switch (kind) {
            case LOCAL -> new lab.provider.local.LocalBackend();
            case NETNS -> new lab.provider.netns.NetnsBackend();
            case VAGRANT -> new lab.provider.vagrant.VagrantBackend();
        };
    }

    private static LabState stateOf(LabSpec spec, int block) {
        return new LabState(spec.name(), spec.provider(), spec.source(), block, "", false, List.of(), Map.of(), 0, 0,
                0);
    }

    public NodeState node(String name) {
        return state.node(name).orElseThrow(() -> new BadInputException("no node \"" + name + "\" in lab \""
                + state.name() + "\"; it has " + String.join(", ", state.nodes().stream().map(NodeState::name)
                .toList())));
    }

    /** A node a fault can act on: not one removed from the cluster (its etcd is gone for good). */
    private NodeState faultable(String name, String fault) {
        NodeState n = node(name);
        if (n.process() == NodeState.Process.REMOVED) {
            throw new BadInputException("cannot " + fault + " " + name + ": it was removed from the cluster (`lab "
                    + "member add " + name + "` brings it back as a new member)");
        }
        return n;
    }

    private NodeState runningNode(String name, String what) {
        NodeState n = node(name);
        if (!backend.alive(this, n)) {
            throw new BadInputException("cannot " + what + " " + name + ": it is not running (" + n.process()
                    .name().toLowerCase(java.util.Locale.ROOT) + ")");
        }
        return n;
    }

    /** Records the node as given, leaving the rest of the lab as the latest state on disk has it. */
    synchronized void update(NodeState n) {
        mutate(s -> s.with(n));
    }

    /**
     * Every change of the recorded state: under the lab's lock, the state re-read from disk (another process, say
     * `lab node kill` during a `lab run`, may have changed it since this one read it), changed, written, kept.
     */
    synchronized LabState mutate(java.util.function.UnaryOperator<LabState> change) {
        if (destroyed) {
            throw new EnvironmentException("lab \"" + state.name() + "\" was taken down while this command ran");
        }
        try (LabDir.Held held = dir.lock()) {
            LabState next = change.apply(dir.read().orElse(state));
            dir.write(next);
            state = next;
            return next;
        }
    }

    /** Where the lab's progress goes (the CLI prints it). */
    public Consumer<String> log() {
        return log;
    }

    /** The client URLs of members whose process runs. */
    public List<String> liveEndpoints() {
        return state.members().stream().filter(n -> backend.alive(this, n))
                .map(NodeState::clientUrl).toList();
    }

    /**
     * The client URLs of members the lab has not taken down (stopped, killed, powered off, paused, wiped), from its
     * state alone: what a client configured with the cluster's endpoints tries, in turn, without asking first
     * whether each one runs. For whatever polls many times a second (the write probe, expectations, fleet's
     * registry): {@link #liveEndpoints()} asks every VM over SSH, which on the Vagrant provider cut the write probe
     * from 20 writes a second to 4.
     */
    public List<String> clientEndpoints() {
        return state.members().stream().filter(Lab::inService).map(NodeState::clientUrl).toList();
    }

    /** Whether the lab has left this node's etcd running (its state only; see {@link #clientEndpoints()}). */
    public static boolean inService(NodeState n) {
        return n.process() == NodeState.Process.RUNNING || n.process() == NodeState.Process.NONE;
    }

    public Optional<NodeState> byAddress(String localAddress) {
        return state.nodes().stream().filter(n -> n.address().equals(localAddress)).findFirst();
    }
}
