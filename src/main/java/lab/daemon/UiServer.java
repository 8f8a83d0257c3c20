package lab.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import lab.etcd.EtcdHttp;
import lab.fleet.FleetRegistry;
import lab.fleet.LabFleet;
import lab.net.LinkRules;
import lab.provider.ClusterStatus;
import lab.provider.Lab;
import lab.provider.LabDir;
import lab.provider.NodeState;
import lab.provider.NodeStatus;
import lab.provider.Recovery;
import lab.provider.StatusProbe;
import lab.spec.Role;

/**
 * The lab's live page (`lab ui`), served by the lab's daemon on its loopback port: one HTML document with its
 * script and style inlined (no CDN, no build step, works offline), a server-sent event stream of the lab's picture,
 * and actions that run the same CLI commands a user types, in the lab's folder.
 *
 * <p>Safe by default: every request carries a secret token in its URL (the page's links keep it), one that allows
 * actions ({@code ui.token}) and one that only looks ({@code ui-read.token}, what `lab ui --read-only` prints for a
 * projector); both are files of mode 0600 next to the lab's state. A request without one, or with a Host header
 * that is not this loopback port (a DNS-rebinding page), gets 403. The control API (what `lab run` posts its
 * timeline to) keeps the daemon's own token.
 *
 * <p>While at least one page is open, two loops run: the state loop (every 100 ms: the lab's state file and rules,
 * so a kill shows at once) and the probe loop (etcd's view of every member, back to back with a 150 ms pause, and
 * fleet's unit states when the lab uses fleet); plus a write probe (one put of {@code /_lab/ui/probe} every 250 ms,
 * 500 ms deadline, to the leader) for the page's availability chart. Nothing runs when no page is open.
 */
public final class UiServer {
    static final String FULL_TOKEN = "ui.token";
    static final String READ_TOKEN = "ui-read.token";
    private static final Duration PROBE = Duration.ofMillis(400);
    private static final String PROBE_KEY = "/_lab/ui/probe";
    private static final int HISTORY_SECONDS = 60;

    private final Path root;
    private final Path workDir;
    private final String name;
    private final Supplier<LinkRules> rules;
    private final String fullToken;
    private final String readToken;
    private final List<Client> clients = new CopyOnWriteArrayList<>();
    private final Deque<String> timeline = new ArrayDeque<>();
    private final Deque<long[]> writes = new ArrayDeque<>();
    private final Deque<long[]> terms = new ArrayDeque<>();
    private final AtomicLong advance = new AtomicLong();
    private volatile String stepText = "";
    private volatile boolean stepWaiting;
    private volatile ClusterStatus lastProbe;
    /** The cluster's alarms at the last probe ("NOSPACE on core-01"). */
    private volatile List<String> alarms = List.of();
    private volatile Map<String, List<String[]>> units = Map.of();
    private volatile String lastSent = "";
    private java.util.concurrent.ScheduledExecutorService loops;

    UiServer(Path root, String name, Supplier<LinkRules> rules) throws IOException {
        this.root = root;
        this.workDir = root.getParent().getParent();
        this.name = name;
        this.rules = rules;
        this.fullToken = token(root.resolve(FULL_TOKEN));
        this.readToken = token(root.resolve(READ_TOKEN));
    }

    /**
     * The page's two tokens for a lab ({full, read-only}), made when missing: what `lab ui` prints in the URLs.
     */
    public static String[] tokens(Path labRoot) throws IOException {
        return new String[] {token(labRoot.resolve(FULL_TOKEN)), token(labRoot.resolve(READ_TOKEN))};
    }

    /** The token in the file, made (random, mode 0600) when the file is not there yet. */
    private static synchronized String token(Path f) throws IOException {
        if (!Files.exists(f)) {
            byte[] random = new byte[24];
            new java.security.SecureRandom().nextBytes(random);
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, java.util.HexFormat.of().formatHex(random) + "\n");
            Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        return Files.readString(f).trim();
    }

    /** The paths the page's own requests use (guarded by the page's tokens). */
    static final List<String> PAGE_PATHS = List.of("/ui", "/ui/events", "/ui/action", "/ui/advance");
    /** The paths `lab run` uses (guarded by the daemon's own token, as its control API). */
    static final List<String> CONTROL_PATHS = List.of("/ui/timeline", "/ui/step", "/ui/advanced");

    /** Handles a request to one of {@link #PAGE_PATHS} or {@link #CONTROL_PATHS} (the latter already checked). */
    void handle(String path, HttpExchange ex) throws IOException {
        switch (path) {
            case "/ui" -> guarded(false, this::page).handle(ex);
            case "/ui/events" -> guarded(false, this::events).handle(ex);
            case "/ui/action" -> guarded(true, this::action).handle(ex);
            case "/ui/advance" -> guarded(true, x -> {
                advance.incrementAndGet();
                send(x, 200, "text/plain", "advanced\n");
            }).handle(ex);
            case "/ui/timeline" -> {
                String line = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                synchronized (timeline) {
                    if (line.startsWith("scenario ")) {
                        timeline.clear(); // a new run: its own timeline
                    }
                    timeline.addLast(line);
                    while (timeline.size() > 500) {
                        timeline.removeFirst();
                    }
                }
                publish();
                send(ex, 200, "text/plain", "ok\n");
            }
            case "/ui/step" -> {
                String[] body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8).split("\n", 2);
                stepWaiting = body[0].equals("waiting");
                stepText = body.length > 1 ? body[1] : "";
                publish();
                send(ex, 200, "text/plain", "ok\n");
            }
            case "/ui/advanced" -> send(ex, 200, "text/plain", advance.get() + "\n");
            default -> send(ex, 404, "text/plain", "404\n");
        }
    }

    /**
     * Only requests with a token of the page, for this loopback port; actions only with the full token. The token
     * is compared in constant time.
     */
    private com.sun.net.httpserver.HttpHandler guarded(boolean act, com.sun.net.httpserver.HttpHandler h) {
        return ex -> {
            try {
                String host = Optional.ofNullable(ex.getRequestHeaders().getFirst("Host")).orElse("");
                int port = ex.getLocalAddress().getPort();
                boolean local = host.equals("127.0.0.1:" + port) || host.equals("localhost:" + port);
                String given = query(ex).getOrDefault("token", "");
                boolean full = same(given, fullToken);
                boolean read = full || same(given, readToken);
                if (!local || !read || (act && !full)) {
                    send(ex, 403, "text/plain", !local ? "403: not this lab's page (Host " + host + ")\n"
                            : act && read ? "403: this page is read-only (lab ui --read-only); its token allows no "
                            + "action\n" : "403: this lab's page token is missing or wrong (`lab ui` prints the page's "
                            + "address with it)\n");
                    return;
                }
                h.handle(ex);
            } catch (IOException | RuntimeException e) {
                ex.close();
            }
        };
    }

    private static boolean same(String a, String b) {
        return java.security.MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8),
                b.getBytes(StandardCharsets.UTF_8));
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                String[] p = kv.split("=", 2);
                out.put(java.net.URLDecoder.decode(p[0], StandardCharsets.UTF_8),
                        p.length > 1 ? java.net.URLDecoder.decode(p[1], StandardCharsets.UTF_8) : "");
            }
        }
        return out;
    }

    /** The page: index.html with app.css and app.js put in, so it is one document of this jar. */
    private void page(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!path.equals("/ui") && !path.equals("/ui/")) {
            send(ex, 404, "text/plain", "404\n");
            return;
        }
        String html = resource("index.html").replace("/*APP_CSS*/", resource("app.css"))
                .replace("/*APP_JS*/", resource("app.js"));
        ex.getResponseHeaders().add("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                + "style-src 'unsafe-inline'; connect-src 'self'; img-src data:");
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        ex.getResponseHeaders().add("Referrer-Policy", "no-referrer");
        send(ex, 200, "text/html; charset=utf-8", html);
    }

    /** The page's size in bytes, as served (docs/benchmarks.md). */
    public static int pageSize() throws IOException {
        return (resource("index.html").replace("/*APP_CSS*/", resource("app.css"))
                .replace("/*APP_JS*/", resource("app.js"))).getBytes(StandardCharsets.UTF_8).length;
    }

    private static String resource(String file) throws IOException {
        try (InputStream in = UiServer.class.getResourceAsStream("/lab/ui/" + file)) {
            if (in == null) {
                throw new IOException("the page's " + file + " is not in this jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The lab's picture as server-sent events: the whole picture whenever it changes, a comment every 15 s. */
    private void events(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().add("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().add("Cache-Control", "no-store");
        ex.sendResponseHeaders(200, 0);
        Client c = new Client(ex.getResponseBody(), !same(query(ex).getOrDefault("token", ""), fullToken));
        clients.add(c);
        startLoops();
        try {
            String now = snapshot(c.readOnly);
            c.send("data: " + now + "\n\n");
            while (!c.closed.await(15, TimeUnit.SECONDS)) {
                c.send(": keep-alive\n\n");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            clients.remove(c);
            c.close();
            if (clients.isEmpty()) {
                stopLoops();
            }
        }
    }

    /** One open page. */
    private static final class Client {
        final OutputStream out;
        final boolean readOnly;
        final CountDownLatch closed = new CountDownLatch(1);

        Client(OutputStream out, boolean readOnly) {
            this.out = out;
            this.readOnly = readOnly;
        }

        synchronized void send(String event) {
            try {
                out.write(event.getBytes(StandardCharsets.UTF_8));
                out.flush();
            } catch (IOException e) {
                closed.countDown(); // the page went away
            }
        }

        void close() {
            closed.countDown();
            try {
                out.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    private synchronized void startLoops() {
        if (loops != null) {
            return;
        }
        loops = java.util.concurrent.Executors.newScheduledThreadPool(3, r -> {
            Thread t = new Thread(r, "ui");
            t.setDaemon(true);
            return t;
        });
        loops.scheduleWithFixedDelay(() -> safely(this::probe), 0, 150, TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(() -> safely(this::publish), 100, 100, TimeUnit.MILLISECONDS);
        loops.scheduleWithFixedDelay(() -> safely(this::writeProbe), 250, 250, TimeUnit.MILLISECONDS);
    }

    private synchronized void stopLoops() {
        if (loops != null) {
            loops.shutdownNow();
            loops = null;
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // the next round tries again: a lab being taken down has no state to read
        }
    }

    private Lab lab() {
        return Lab.open(workDir, name, s -> { });
    }

    /** etcd's view of every node (and fleet's units, when used). */
    private void probe() {
        Lab lab = lab();
        ClusterStatus s = StatusProbe.probe(lab, PROBE);
        lastProbe = s;
        alarms = Recovery.alarmsByMember(lab, s, PROBE);
        if (s.term() > 0) {
            synchronized (terms) {
                terms.addLast(new long[] {System.currentTimeMillis(), s.term()});
                trim(terms);
            }
        }
        if (Files.exists(root.resolve("fleet.enabled"))) {
            units = units(lab, s);
        }
        publish();
    }

    private Map<String, List<String[]>> units(Lab lab, ClusterStatus s) {
        Optional<String> ep = endpoint(lab, s);
        if (ep.isEmpty()) {
            return units;
        }
        FleetRegistry r = new FleetRegistry(ep.get());
        Map<String, String> nodeOf = LabFleet.nodesByMachine(lab, r.machines());
        Map<String, List<String[]>> out = new HashMap<>();
        r.states().forEach((unit, byMachine) -> byMachine.forEach((m, st) -> out.computeIfAbsent(
                nodeOf.getOrDefault(m, "?"), k -> new ArrayList<>()).add(new String[] {unit, st.activeState(),
                st.subState()})));
        return out;
    }

    /** The leader's client URL, else the first running member's. */
    private static Optional<String> endpoint(Lab lab, ClusterStatus s) {
        Optional<String> leader = s.leader().flatMap(l -> lab.state().node(l)).map(NodeState::clientUrl);
        if (leader.isPresent()) {
            return leader;
        }
        return lab.state().members().stream().filter(Lab::inService).map(NodeState::clientUrl).findFirst();
    }

    /** One write with the probe's deadline; its outcome and latency go to the availability chart. */
    private void writeProbe() {
        ClusterStatus s = lastProbe;
        if (s == null) {
            return;
        }
        Lab lab = lab();
        Optional<String> ep = endpoint(lab, s);
        long t0 = System.nanoTime();
        boolean ok = false;
        if (ep.isPresent()) {
            try {
                EtcdHttp.put(ep.get(), PROBE_KEY, Long.toString(System.currentTimeMillis()), Duration.ofMillis(500));
                ok = true;
            } catch (RuntimeException e) {
                // not accepted in time: a failed sample
            }
        }
        synchronized (writes) {
            writes.addLast(new long[] {System.currentTimeMillis(), ok ? 1 : 0, (System.nanoTime() - t0) / 1_000_000});
            trim(writes);
        }
    }

    private static void trim(Deque<long[]> d) {
        long cut = System.currentTimeMillis() - HISTORY_SECONDS * 1000L;
        while (!d.isEmpty() && d.peekFirst()[0] < cut) {
            d.removeFirst();
        }
    }

    /** Sends the picture to every open page if it changed since it was last sent. */
    private void publish() {
        if (clients.isEmpty()) {
            return;
        }
        String full;
        String read;
        try {
            full = snapshot(false);
            read = snapshot(true);
        } catch (RuntimeException e) {
            return;
        }
        if (full.equals(lastSent)) {
            return;
        }
        lastSent = full;
        for (Client c : clients) {
            c.send("data: " + (c.readOnly ? read : full) + "\n\n");
        }
    }

    /**
     * The lab's picture: the nodes with etcd's latest answers and the state's current processes (so a kill shows
     * before the next probe), links, the quorum in words, the charts' samples, fleet's units, the run's timeline.
     */
    private String snapshot(boolean readOnly) {
        Lab lab = lab();
        ClusterStatus probed = lastProbe;
        LinkRules r = rules.get();
        ObjectNode o = LabDir.json().createObjectNode();
        o.put("name", name);
        o.put("provider", lab.state().provider().id());
        o.put("readOnly", readOnly);
        List<NodeStatus> rows = new ArrayList<>();
        Map<String, NodeStatus> byName = new HashMap<>();
        if (probed != null) {
            probed.nodes().forEach(n -> byName.put(n.name(), n));
        }
        ArrayNode nodes = o.putArray("nodes");
        for (NodeState n : lab.state().nodes()) {
            NodeStatus p = byName.get(n.name());
            NodeState.Process process = current(n, p);
            boolean running = process == NodeState.Process.RUNNING;
            NodeStatus row = p == null ? new NodeStatus(n.name(), n.role(), n.address(), process, n.memberId(), false,
                    "", 0, 0, 0, false, n.learner(), java.util.Set.of(), "") : new NodeStatus(p.name(), p.role(),
                    p.address(), process, p.memberId(), running && p.leader(), p.leaderId(), p.raftTerm(),
                    p.raftIndex(), p.dbSize(), running && p.healthy(), p.learner(), p.cutFrom(), p.error());
            rows.add(row);
            ObjectNode x = nodes.addObject();
            x.put("name", n.name());
            x.put("role", n.role().id());
            x.put("address", n.address());
            x.put("process", process.name().toLowerCase(java.util.Locale.ROOT));
            x.put("memberId", row.memberId());
            x.put("leader", row.leader());
            x.put("term", row.raftTerm());
            x.put("index", row.raftIndex());
            x.put("dbSize", row.dbSize());
            x.put("healthy", row.healthy());
            x.put("learner", row.learner());
            ArrayNode u = x.putArray("units");
            for (String[] unit : units.getOrDefault(n.name(), List.of())) {
                u.addObject().put("unit", unit[0]).put("active", unit[1]).put("sub", unit[2]);
            }
        }
        int voters = (int) rows.stream().filter(n -> n.role() == Role.MEMBER && !n.learner()
                && n.process() != NodeState.Process.REMOVED).count();
        int healthy = (int) rows.stream().filter(n -> n.role() == Role.MEMBER && !n.learner()
                && n.healthy()).count();
        // the probe's leader (one that says it leads and a majority names, as lab status), while it still runs
        Optional<String> leader = probed == null ? Optional.empty() : probed.leader().filter(l -> rows.stream()
                .anyMatch(n -> n.name().equals(l) && n.leader()));
        ClusterStatus now = new ClusterStatus(rows, voters, healthy, leader, probed == null ? 0 : probed.term(),
                Optional.empty());
        ObjectNode q = o.putObject("quorum");
        q.put("voters", voters);
        q.put("needed", now.needed());
        q.put("running", now.runningVoters());
        q.put("healthy", healthy);
        q.put("leader", leader.orElse(null));
        q.put("term", now.term());
        q.put("state", probed == null ? "unknown" : now.availability());
        q.put("words", probed == null ? "asking the members..." : now.inWords());
        ArrayNode al = o.putArray("alarms");
        alarms.forEach(al::add);
        ArrayNode cut = o.putArray("cut");
        r.cut().stream().sorted(java.util.Comparator.comparing((List<String> l) -> l.get(0))
                .thenComparing(l -> l.get(1))).forEach(l -> cut.addArray().add(l.get(0)).add(l.get(1)));
        ObjectNode delays = o.putObject("delays");
        new java.util.TreeMap<>(r.delays()).forEach((n, d) -> delays.putArray(n).add(d.get(0)).add(d.get(1)));
        ArrayNode w = o.putArray("writes");
        synchronized (writes) {
            writes.forEach(s -> w.addArray().add(s[0]).add(s[1]).add(s[2]));
        }
        ArrayNode t = o.putArray("terms");
        synchronized (terms) {
            long last = -1;
            for (long[] s : terms) {
                if (s[1] != last) { // a step chart needs the changes only
                    t.addArray().add(s[0]).add(s[1]);
                    last = s[1];
                }
            }
        }
        ArrayNode tl = o.putArray("timeline");
        synchronized (timeline) {
            timeline.forEach(tl::add);
        }
        ObjectNode step = o.putObject("step");
        step.put("waiting", stepWaiting);
        step.put("text", stepText);
        return o.toString();
    }

    private static NodeState.Process current(NodeState n, NodeStatus probed) {
        if (probed != null && probed.process() == NodeState.Process.CRASHED) {
            return NodeState.Process.CRASHED;
        }
        return n.process() == NodeState.Process.NONE && probed != null ? probed.process() : n.process();
    }

    /**
     * Runs one action of the page: the command line a user would type, through the same CLI, in the lab's folder;
     * answers its exit code and output.
     */
    private void action(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("POST")) {
            send(ex, 405, "text/plain", "405: POST an action\n");
            return;
        }
        JsonNode a = LabDir.json().readTree(ex.getRequestBody());
        List<String> argv;
        try {
            argv = argv(a);
        } catch (IllegalArgumentException e) {
            ObjectNode o = LabDir.json().createObjectNode().put("exit", 2).put("output", e.getMessage());
            send(ex, 200, "application/json", o.toString());
            return;
        }
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code;
        try (PrintWriter out = new PrintWriter(new java.io.OutputStreamWriter(buf, StandardCharsets.UTF_8), true)) {
            List<String> all = new ArrayList<>(argv);
            int dashes = all.indexOf("--");
            all.addAll(dashes < 0 ? all.size() : dashes, List.of("--name", name));
            code = new lab.cli.Cli(workDir, out, out).run(all.toArray(String[]::new));
        }
        ObjectNode o = LabDir.json().createObjectNode();
        o.put("exit", code);
        o.put("command", "lab " + String.join(" ", argv));
        o.put("output", buf.toString(StandardCharsets.UTF_8));
        publish();
        send(ex, 200, "application/json", o.toString());
    }

    private static final java.util.Set<String> NODE_VERBS = java.util.Set.of("kill", "stop", "start", "restart",
            "pause", "resume", "wipe");

    /** The command line of a page action; only these, with names checked, never a raw command line. */
    static List<String> argv(JsonNode a) {
        String verb = a.path("verb").asText();
        String node = a.path("node").asText();
        if (NODE_VERBS.contains(verb)) {
            return List.of("node", verb, name(node));
        }
        return switch (verb) {
            case "isolate" -> List.of("net", "isolate", name(node));
            case "block" -> List.of("net", "block", name(a.path("from").asText()), name(a.path("to").asText()));
            case "delay" -> List.of("net", "delay", name(node), a.path("ms").asInt() + "ms"
                    + (a.path("jitter").asInt() > 0 ? "\u00b1" + a.path("jitter").asInt() + "ms" : ""));
            case "partition" -> {
                List<String> out = new ArrayList<>(List.of("net", "partition"));
                for (JsonNode g : a.path("groups")) {
                    List<String> group = new ArrayList<>();
                    g.forEach(n -> group.add(name(n.asText())));
                    if (!group.isEmpty()) {
                        out.add(String.join(",", group));
                    }
                }
                yield out;
            }
            case "heal" -> List.of("net", "heal");
            case "add-member" -> {
                List<String> out = new ArrayList<>(List.of("member", "add"));
                if (!a.path("name").asText().isEmpty()) {
                    out.add(name(a.path("name").asText()));
                }
                if (a.path("learner").asBoolean()) {
                    out.add("--learner");
                }
                yield out;
            }
            case "promote", "remove" -> List.of("member", verb, name(node));
            case "put" -> List.of("etcdctl", "--", "put", "--", a.path("key").asText(), a.path("value").asText());
            case "get" -> List.of("etcdctl", "--", "get", "--", a.path("key").asText());
            default -> throw new IllegalArgumentException("no such action: " + verb);
        };
    }

    private static String name(String n) {
        if (!n.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new IllegalArgumentException("not a node name: \"" + n + "\"");
        }
        return n;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
