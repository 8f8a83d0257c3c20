package lab.api;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.Predicate;
import java.util.function.Supplier;
import lab.etcd.EtcdException;
import lab.etcd.Member;
import lab.provider.ClusterStatus;
import lab.pki.Pki;
import lab.provider.Lab;
import lab.provider.Membership;
import lab.provider.Network;
import lab.provider.NodeState;
import lab.provider.NodeStatus;
import lab.provider.Readiness;
import lab.provider.StatusProbe;
import lab.report.StatusReport;
import lab.scenario.Scenario;
import lab.scenario.ScenarioFailure;
import lab.scenario.ScenarioLoader;
import lab.scenario.ScenarioResult;
import lab.scenario.ScenarioRunner;
import lab.scenario.Selector;
import lab.scenario.StepResult;
import lab.spec.BadInputException;
import lab.spec.Durations;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;
import lab.spec.Overrides;
import lab.spec.Role;
import lab.spec.SpecLoader;

/**
 * A running etcd lab, from Java: the same engine as the {@code lab} command line (the same spec, user-data, providers
 * and faults), without its printing or exiting. Create one with {@link #builder()}, or {@link #attach} to a lab
 * brought up by {@code lab up}; {@link #close()} takes a created lab down (every process, its folder).
 *
 * <pre>{@code
 * try (EtcdLab lab = EtcdLab.builder().nodes(3).start()) {
 *     Client etcd = Client.builder().endpoints(lab.endpointList().split(",")).build();
 *     lab.kill(EtcdLab.leader());
 *     lab.awaitLeader(Duration.ofSeconds(10));
 *     lab.partition(List.of(EtcdLab.leader()), List.of("rest"));
 *     lab.heal();
 * }
 * }</pre>
 *
 * <p>Targets are node names or selectors resolved when the call runs: {@link #leader()}, {@link #follower()} (one
 * running follower, chosen at random), {@link #followers()}, {@link #minority()} (the largest set of followers
 * whose loss keeps quorum), {@link #majority()}, {@link #random()}, {@link #all()}. Every failure is a
 * {@link LabException} with a message for a person. Instances are safe to use from several threads; calls that
 * change the lab take its lock, as the command line does.
 */
public final class EtcdLab implements AutoCloseable {
    private final Lab lab;
    private final boolean owned;
    private final Path ownedDir;
    private final Random random;

    private EtcdLab(Lab lab, boolean owned, Path ownedDir, long seed) {
        this.lab = lab;
        this.owned = owned;
        this.ownedDir = ownedDir;
        this.random = new Random(seed);
    }

    /** A builder for a new lab: three local members unless told otherwise. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A lab that is already up ({@code lab up --name NAME} in {@code workDir}); {@link #close()} leaves it running.
     *
     * @param workDir the folder whose {@code .lab/} holds it
     * @param name its name
     * @return the lab
     * @throws LabException when there is no such lab there
     */
    public static EtcdLab attach(Path workDir, String name) {
        return call(() -> new EtcdLab(Lab.open(workDir.toAbsolutePath(), name, s -> { }), false, null, 1));
    }

    // ---- selectors --------------------------------------------------------------------------------------------

    /** @return the selector for the member every healthy member agrees leads */
    public static String leader() {
        return "leader";
    }

    /** @return the selector for one running member that is not the leader, chosen at random (seeded) */
    public static String follower() {
        return "follower";
    }

    /** @return the selector for every running member that is not the leader */
    public static String followers() {
        return "followers";
    }

    /** @return the selector for the largest set of followers whose loss keeps quorum (1 of 3, 2 of 5) */
    public static String minority() {
        return "minority";
    }

    /** @return the selector for a smallest majority, the leader first */
    public static String majority() {
        return "majority";
    }

    /** @return the selector for one running member chosen at random (seeded) */
    public static String random() {
        return "random";
    }

    /** @return the selector for every member that is not removed */
    public static String all() {
        return "all";
    }

    // ---- what it is -------------------------------------------------------------------------------------------

    /** @return the lab's name */
    public String name() {
        return lab.state().name();
    }

    /** @return the folder of the lab's state, logs and keys ({@code .lab/<name>/}) */
    public Path directory() {
        return lab.dir().root();
    }

    /** @return the folder whose {@code .lab/} holds the lab: what {@link #attach} and {@code lab --name} use */
    public Path workDir() {
        return lab.dir().root().getParent().getParent();
    }

    /** @return every node's name, members first */
    public List<String> nodes() {
        return op(() -> lab.state().nodes().stream().map(NodeState::name).toList());
    }

    /**
     * @return the client URLs of the members in service (not stopped, killed or removed), as jetcd's
     *     {@code Client.builder().endpoints(...)} takes them
     */
    public List<URI> endpoints() {
        return op(() -> lab.clientEndpoints().stream().map(URI::create).toList());
    }

    /**
     * A TLS lab's files for a client of the test's own: the lab's CA certificate, and a client certificate and key
     * (PKCS#8 PEM) it issued, as jetcd's {@code sslContext(b -> b.trustManager(ca).keyManager(cert, key))} and
     * etcdctl's {@code --cacert/--cert/--key} take them.
     */
    public record ClientTls(Path ca, Path cert, Path key) {
    }

    /** @return the client's TLS files when the lab was made with {@code security: {tls: true}}; empty otherwise */
    public java.util.Optional<ClientTls> clientTls() {
        return op(() -> lab.tls() ? java.util.Optional.of(new ClientTls(lab.pki().cert(Pki.CA),
                lab.pki().cert(Pki.CLIENT), lab.pki().keyFile(Pki.CLIENT)))
                : java.util.Optional.<ClientTls>empty());
    }

    /**
     * A user of a lab with etcd's auth on, as jetcd's {@code Client.builder().user(...).password(...)} and etcdctl's
     * {@code --user name:password} take it.
     */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return user + ":<password>";
        }
    }

    /**
     * @return the workload's user {@code lab} (read and write on every key; no member, snapshot or user changes)
     *     when the lab was made with {@code security: {auth: true}}; empty otherwise. Root's password is in the
     *     lab's {@code auth.json}, for the tools that change the cluster itself.
     */
    public java.util.Optional<Credentials> credentials() {
        return op(() -> lab.auth().map(s -> new Credentials(s.workload().user(), s.workload().password())));
    }

    /** @return {@link #endpoints()} as a comma list, as ETCDCTL_ENDPOINTS takes it */
    public String endpointList() {
        return op(() -> String.join(",", lab.clientEndpoints()));
    }

    /**
     * @param node a node's name
     * @return the client URL of that node, whether it runs or not
     */
    public URI endpoint(String node) {
        return op(() -> URI.create(lab.node(node).clientUrl()));
    }

    /**
     * @param node a node's name
     * @return its etcd log (stdout and stderr of every start)
     */
    public Path logOf(String node) {
        return op(() -> lab.dir().log(lab.node(node).name()));
    }

    /** @return the lab now: every node asked at once, bounded by about a second whatever is down */
    public LabStatus status() {
        return op(() -> status(StatusProbe.probe(lab, Duration.ofMillis(400))));
    }

    private LabStatus status(ClusterStatus s) {
        List<LabStatus.Node> nodes = new ArrayList<>();
        for (NodeStatus n : s.nodes()) {
            nodes.add(new LabStatus.Node(n.name(), n.role().id(), n.process().name().toLowerCase(java.util.Locale.ROOT),
                    n.memberId(), n.leader(), n.learner(), n.raftTerm(), n.raftIndex(), n.healthy(),
                    lab.state().node(n.name()).map(NodeState::clientUrl).orElse("")));
        }
        return new LabStatus(nodes, s.voters(), s.needed(), s.runningVoters(), s.healthyVoters(), s.leader(),
                s.term(), s.quorum(), s.inWords(), StatusReport.table(s));
    }

    /**
     * @return the status table and etcd's own member list, for a failure report
     */
    public String report() {
        StringBuilder b = new StringBuilder();
        try {
            b.append(status().table());
        } catch (LabException e) {
            b.append("status: ").append(e.getMessage()).append('\n');
        }
        try {
            b.append("\nmember list (etcd):\n");
            for (Member m : Membership.list(lab)) {
                b.append(String.format("  %x %s %s%s%n", m.id(), m.name().isEmpty() ? "(unstarted)" : m.name(),
                        String.join(",", m.peerUrls()), m.learner() ? " learner" : ""));
            }
        } catch (RuntimeException e) {
            b.append("  ").append(e.getMessage()).append('\n');
        }
        return b.toString();
    }

    // ---- node faults ------------------------------------------------------------------------------------------

    /**
     * SIGKILL: the node's etcd dies mid-write, as on a power cut.
     *
     * @param target a node name or a selector
     * @return the nodes it hit
     */
    public List<String> kill(String target) {
        return each(target, lab::kill);
    }

    /**
     * SIGTERM, a clean shutdown (SIGKILL after 10 s).
     *
     * @param target a node name or a selector
     * @return the nodes it hit
     */
    public List<String> stop(String target) {
        return each(target, lab::stop);
    }

    /**
     * Starts the node's etcd again from its user-data and data, and waits until it joins or exits (a crash is a
     * {@link LabException} with etcd's last words).
     *
     * @param target a node name (a selector names running members, which need no start)
     * @return the nodes it hit
     */
    public List<String> start(String target) {
        return each(target, lab::start);
    }

    /**
     * Stop and start, keeping the data.
     *
     * @param target a node name or a selector
     * @return the nodes it hit
     */
    public List<String> restart(String target) {
        return each(target, lab::restart);
    }

    /**
     * SIGSTOP: the process freezes, its connections stay open (a stalled disk, a long GC).
     *
     * @param target a node name or a selector
     * @return the nodes it hit
     */
    public List<String> pause(String target) {
        return each(target, lab::pause);
    }

    /**
     * SIGCONT after {@link #pause}.
     *
     * @param target a node name
     * @return the nodes it hit
     */
    public List<String> resume(String target) {
        return each(target, lab::resume);
    }

    /**
     * Stops the node and deletes its data directory: started again it crashes (etcd's log says why), so
     * {@link #replaceMember} is what brings such a member back.
     *
     * @param target a node name or a selector
     * @return the nodes it hit
     */
    public List<String> wipe(String target) {
        return each(target, lab::wipe);
    }

    private List<String> each(String target, java.util.function.Consumer<String> action) {
        return op(() -> {
            List<String> nodes = resolve(target);
            nodes.forEach(action);
            return nodes;
        });
    }

    /**
     * @param target a node name or a selector
     * @return the node names it selects now
     */
    public List<String> resolve(String target) {
        return op(() -> {
            if (target.equals("rest")) {
                throw new BadInputException("\"rest\" only means something inside partition()");
            }
            ClusterStatus s = StatusProbe.probe(lab, Duration.ofMillis(400));
            List<String> nodes = Selector.resolve(target, s, lab.state().nodes(), java.util.Map.of(), random);
            nodes.forEach(lab::node); // an unknown name fails here, with the nodes the lab has
            return nodes;
        });
    }

    // ---- network faults ---------------------------------------------------------------------------------------

    /**
     * Cuts every link between the groups, both ways. Each group is a list of node names or selectors, resolved
     * now; a group {@code List.of("rest")} is every member not named in another group.
     *
     * @param groups two or more groups
     */
    @SafeVarargs
    public final void partition(List<String>... groups) {
        op(() -> {
            ClusterStatus s = StatusProbe.probe(lab, Duration.ofMillis(400));
            List<List<String>> resolved = new ArrayList<>();
            java.util.Set<String> used = new java.util.HashSet<>();
            int rest = -1;
            for (List<String> g : groups) {
                if (g.equals(List.of("rest"))) {
                    rest = resolved.size();
                    resolved.add(new ArrayList<>());
                    continue;
                }
                List<String> group = new ArrayList<>();
                for (String t : g) {
                    for (String n : Selector.resolve(t, s, lab.state().nodes(), java.util.Map.of(), random)) {
                        lab.node(n);
                        if (used.add(n)) {
                            group.add(n);
                        }
                    }
                }
                resolved.add(group);
            }
            if (rest >= 0) {
                for (NodeState m : lab.state().members()) {
                    if (m.process() != NodeState.Process.REMOVED && !used.contains(m.name())) {
                        resolved.get(rest).add(m.name());
                    }
                }
            }
            Network.partition(lab, resolved);
            return null;
        });
    }

    /**
     * Cuts one member off from all others, both ways.
     *
     * @param target a node name or a selector of one node
     * @return the node it isolated
     */
    public String isolate(String target) {
        return op(() -> {
            String n = one(target);
            Network.isolate(lab, n);
            return n;
        });
    }

    /**
     * Drops raft messages from one member to another, one direction only.
     *
     * @param from a node name or a selector of one node: whose messages are dropped
     * @param to a node name or a selector of one node: who no longer hears them
     */
    public void block(String from, String to) {
        op(() -> {
            Network.block(lab, one(from), one(to));
            return null;
        });
    }

    /**
     * Delays every peer message a member sends or receives.
     *
     * @param target a node name or a selector of one node
     * @param delay the added latency
     * @param jitter up to this much more or less, per message (zero for none)
     * @return the node it delayed
     */
    public String delay(String target, Duration delay, Duration jitter) {
        return op(() -> {
            String n = one(target);
            Network.delay(lab, n, delay.toMillis() + "ms" + (jitter.isZero() ? "" : "\u00b1" + jitter.toMillis()
                    + "ms"));
            return n;
        });
    }

    /** Restores every link and removes every delay. */
    public void heal() {
        op(() -> Network.heal(lab));
    }

    private String one(String target) {
        List<String> r = resolve(target);
        if (r.size() != 1) {
            throw new BadInputException(target + " selects " + r.size() + " nodes " + r + "; this takes one");
        }
        return r.get(0);
    }

    // ---- membership -------------------------------------------------------------------------------------------

    /**
     * Adds a member through the cluster (member add) and starts it with {@code initial-cluster-state existing}.
     *
     * @param learner whether it joins as a learner (a non-voting member until {@link #promote})
     * @return its name (the next free core-NN)
     */
    public String addMember(boolean learner) {
        return op(() -> Membership.add(lab, null, learner));
    }

    /**
     * Removes a member through the cluster and stops it.
     *
     * @param node its name
     */
    public void removeMember(String node) {
        op(() -> {
            Membership.remove(lab, node);
            return null;
        });
    }

    /**
     * Promotes a learner to a voting member, waiting up to 30 s for it to catch up (etcd refuses before).
     *
     * @param node its name
     */
    public void promote(String node) {
        op(() -> {
            Membership.promote(lab, node);
            return null;
        });
    }

    /**
     * Remove, wipe and add again under the same name: a new member id, a fresh copy of the data.
     *
     * @param node its name
     */
    public void replaceMember(String node) {
        op(() -> {
            Membership.replace(lab, node);
            return null;
        });
    }

    // ---- waits ------------------------------------------------------------------------------------------------

    /**
     * @param timeout how long to wait
     * @return the status once a majority names a leader that says it leads
     * @throws LabException with the last status when the timeout runs out
     */
    public LabStatus awaitLeader(Duration timeout) {
        return await("a leader", timeout, s -> s.leader().isPresent());
    }

    /**
     * Waits for a leader other than the given one. Right after a partition the majority still names its old leader
     * until an election timeout passes without its heartbeats (etcd's default: 1 s), so {@link #awaitLeader} would
     * return at once; this waits for the election.
     *
     * @param previous the leader before the fault, from {@code status().leader()}
     * @param timeout how long to wait
     * @return the status once a majority names another leader that says it leads
     * @throws LabException with the last status when the timeout runs out
     */
    public LabStatus awaitNewLeader(String previous, Duration timeout) {
        return await("leader other than " + previous, timeout,
                s -> s.leader().isPresent() && !s.leader().get().equals(previous));
    }

    /**
     * @param timeout how long to wait
     * @return the status once enough voters are healthy for writes (and there is a leader)
     * @throws LabException with the last status when the timeout runs out
     */
    public LabStatus awaitQuorum(Duration timeout) {
        return await("a quorum", timeout, s -> s.quorum() && s.leader().isPresent());
    }

    /**
     * @param timeout how long to wait
     * @return the status once every voting member is healthy and a leader is agreed
     * @throws LabException with the last status when the timeout runs out
     */
    public LabStatus awaitHealthy(Duration timeout) {
        return await("every member healthy", timeout, s -> s.allHealthy() && s.leader().isPresent());
    }

    private LabStatus await(String what, Duration timeout, Predicate<LabStatus> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        LabStatus last = null;
        while (true) {
            try {
                last = status();
                if (done.test(last)) {
                    return last;
                }
            } catch (LabException e) {
                // ask again until the deadline
            }
            if (System.nanoTime() > deadline) {
                throw new LabException("no " + what + " within " + Durations.format(timeout)
                        + (last == null ? "" : ":\n" + last.table()));
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for " + what);
            }
        }
    }

    // ---- undoing ----------------------------------------------------------------------------------------------

    /**
     * Undoes every fault: heals the network, resumes paused members, starts stopped, killed and crashed ones,
     * replaces wiped ones (a wiped member cannot start again with its old identity), and waits for a quorum.
     * Removed members stay removed and added ones stay.
     *
     * @param timeout how long to wait for the quorum afterwards
     * @return the status then
     */
    public LabStatus restore(Duration timeout) {
        return op(() -> {
            Network.heal(lab);
            for (NodeState n : lab.state().nodes()) {
                if (!n.hasEtcd()) {
                    continue;
                }
                switch (n.process()) {
                    case PAUSED -> lab.resume(n.name());
                    case STOPPED, KILLED -> lab.start(n.name());
                    case WIPED, CRASHED -> {
                        if (n.role() == Role.MEMBER) {
                            Membership.replace(lab, n.name());
                        } else {
                            lab.start(n.name());
                        }
                    }
                    default -> { }
                }
            }
            return awaitQuorum(timeout);
        });
    }

    // ---- scenarios --------------------------------------------------------------------------------------------

    /**
     * Runs a scenario file as {@code lab run} does: a scenario with {@code use: existing} runs on this lab, one
     * with {@code lab:} on a fresh lab of its own in this lab's folder.
     *
     * @param file the scenario (YAML)
     * @return its verdict, each step's outcome, and the timeline it printed
     * @throws LabException when the file is not a valid scenario
     */
    public ScenarioOutcome run(Path file) {
        return op(() -> {
            Scenario sc = ScenarioLoader.load(file, file.toString(), Overrides.none());
            StringWriter timeline = new StringWriter();
            Path workDir = workDir();
            ScenarioResult r = new ScenarioRunner(workDir, new PrintWriter(timeline, true),
                    new ScenarioRunner.Options("never", false, 1, name(), null, workDir.resolve(".lab/runs"))).run(sc);
            List<String> failures = r.steps().stream().filter(x -> x.status() == StepResult.Status.FAILED)
                    .map(x -> x.step() + ": " + x.message()).toList();
            return new ScenarioOutcome(r.name(), r.verdict().name(), failures, timeline.toString(),
                    Optional.ofNullable(r.artifacts()).map(Path::of));
        });
    }

    /**
     * What {@link #run} found.
     *
     * @param name the scenario's name
     * @param verdict PASS, FAIL, ERROR, UNKNOWN or INTERRUPTED
     * @param failures each failed step or check with why
     * @param timeline the timeline as {@code lab run} prints it
     * @param artifacts the saved history and artifacts, when any were written
     */
    public record ScenarioOutcome(String name, String verdict, List<String> failures, String timeline,
                                  Optional<Path> artifacts) {
        /** @return whether the verdict is PASS */
        public boolean passed() {
            return verdict.equals("PASS");
        }
    }

    /** Takes a lab this object created down (every process, its folder); leaves an attached one running. */
    @Override
    public void close() {
        if (!owned) {
            return;
        }
        op(() -> {
            lab.destroy();
            return null;
        });
        if (ownedDir != null) {
            try (var files = Files.walk(ownedDir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            } catch (IOException e) {
                // a temporary folder left behind is the system's to clean
            }
        }
    }

    /** An operation on the lab, from the state on disk: other processes and scenario runs change it too. */
    private <T> T op(Supplier<T> body) {
        return call(() -> {
            lab.refresh();
            return body.get();
        });
    }

    /** The engine's exceptions as the API's one type. */
    private static <T> T call(Supplier<T> body) {
        try {
            return body.get();
        } catch (BadInputException | EnvironmentException | ScenarioFailure | EtcdException e) {
            throw new LabException(e.getMessage(), e);
        }
    }

    /**
     * A new lab's shape. {@link #start()} brings it up and returns once every member agrees on one leader, a
     * linearizable write succeeded and every member is healthy (as {@code lab up}).
     */
    public static final class Builder {
        private Path spec;
        private Path workDir;
        private String name = "lab";
        private int nodes = 3;
        private int proxies;
        private int workers;
        private String profile = "flatcar";
        private String provider = "local";
        private Duration heartbeat = Duration.ofMillis(100);
        private Duration electionTimeout = Duration.ofMillis(1000);
        private Duration readiness = Duration.ofSeconds(60);
        private long seed = 1;

        private Builder() {
        }

        /** @param path a lab.yaml to bring up instead of the shape below (its other settings are ignored) */
        public Builder spec(Path path) {
            this.spec = path;
            return this;
        }

        /** @param dir the folder for {@code .lab/} (default: a new temporary folder, removed by close) */
        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        /** @param labName the lab's name (default "lab"): lowercase letters, digits, '-' */
        public Builder name(String labName) {
            this.name = labName;
            return this;
        }

        /** @param members how many members (default 3; 1 to 9) */
        public Builder nodes(int members) {
            this.nodes = members;
            return this;
        }

        /** @param count how many etcd proxies (gateways on Flatcar) besides the members */
        public Builder proxies(int count) {
            this.proxies = count;
            return this;
        }

        /** @param count how many workers (no etcd; fleet units) besides the members */
        public Builder workers(int count) {
            this.workers = count;
            return this;
        }

        /** @param p flatcar (default) or coreos: which user-data dialect the nodes get */
        public Builder profile(String p) {
            this.profile = p;
            return this;
        }

        /** @param p local (default: processes on loopback), netns (root) or vagrant */
        public Builder provider(String p) {
            this.provider = p;
            return this;
        }

        /** @param d etcd's heartbeat interval (default 100 ms) */
        public Builder heartbeat(Duration d) {
            this.heartbeat = d;
            return this;
        }

        /** @param d etcd's election timeout (default 1000 ms; at least 5 heartbeats) */
        public Builder electionTimeout(Duration d) {
            this.electionTimeout = d;
            return this;
        }

        /** @param d how long {@link #start()} waits for the cluster (default 60 s) */
        public Builder readiness(Duration d) {
            this.readiness = d;
            return this;
        }

        /** @param s the seed of random selectors ({@link #follower()}, {@link #random()}) */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The lab.yaml this builder stands for (what {@code lab up} would read). */
        String yaml() {
            StringBuilder b = new StringBuilder();
            b.append("name: ").append(name).append('\n');
            b.append("provider: ").append(provider).append('\n');
            b.append("profile: ").append(profile).append('\n');
            b.append("nodes: ").append(nodes).append('\n');
            if (proxies > 0 || workers > 0) {
                b.append("groups:\n");
                if (proxies > 0) {
                    b.append("  - role: proxy\n    count: ").append(proxies).append('\n');
                }
                if (workers > 0) {
                    b.append("  - role: worker\n    count: ").append(workers).append("\n    name-prefix: worker\n");
                }
            }
            b.append("etcd:\n  heartbeat-interval: ").append(heartbeat.toMillis()).append('\n');
            b.append("  election-timeout: ").append(electionTimeout.toMillis()).append('\n');
            return b.toString();
        }

        /**
         * Brings the lab up. On any failure everything started is taken down again.
         *
         * @return the lab, ready
         * @throws LabException when the shape is invalid (every problem listed), the machine lacks something, or
         *     the cluster was not ready within the readiness timeout (with the member that was not and its log)
         */
        public EtcdLab start() {
            return call(() -> {
                Path dir;
                Path owned = null;
                try {
                    if (workDir != null) {
                        dir = Files.createDirectories(workDir).toAbsolutePath();
                    } else {
                        dir = Files.createTempDirectory("lab-").toAbsolutePath();
                        owned = dir;
                    }
                } catch (IOException e) {
                    throw new EnvironmentException("cannot make the lab's folder: " + e.getMessage(), e);
                }
                LabSpec s = spec != null ? SpecLoader.load(spec, spec.toString(), Overrides.none()).spec()
                        : SpecLoader.parse("EtcdLab.builder()", yaml(), Overrides.none()).spec();
                Lab[] created = new Lab[1];
                try {
                    Lab.create(dir, s, null, line -> { }, l -> created[0] = l);
                    Readiness.awaitCluster(created[0], readiness);
                } catch (RuntimeException e) {
                    if (created[0] != null) {
                        created[0].destroy();
                    }
                    throw e;
                }
                return new EtcdLab(created[0], true, owned, seed);
            });
        }

        @Override
        public String toString() {
            return "EtcdLab.builder() for:\n" + yaml();
        }
    }
}
