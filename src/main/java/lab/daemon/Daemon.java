package lab.daemon;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import lab.etcd.EtcdHttp;
import lab.etcd.Member;
import lab.net.LinkRules;
import lab.net.PeerProxy;
import lab.provider.DaemonView;

/**
 * The per-lab daemon: owns what must outlive one CLI command (the peer proxies and the network fault rules)
 * and answers the CLI over HTTP in plain text. Its control API listens on 127.0.0.1 only, so no node of a netns or
 * Vagrant lab (nor anything else off this machine) reaches it, and refuses (403) every request that does not
 * carry the lab's token ({@code daemon.token}, 0600, made by `lab up`): it rewrites the lab's faults and stops the
 * lab. Requests are served side by side (a slow /fleet, which talks to every VM, holds up nothing else). The proxies
 * and the discovery service stay on the lab network, where the members reach them. It reads the lab from
 * {@code daemon-view.tsv}, not state.json: every bring-up waits for its start-up, and a JSON library would cost
 * it about 330 ms. It holds no state the lab cannot lose: killing it cuts the members' peer links until
 * {@code lab down}, which still finds every process by PID.
 */
public final class Daemon {
    /** etcd's real peer listener on each local member; the advertised :2380 is the proxy's. */
    public static final int HIDDEN_PEER_PORT = 12380;
    private final Path root;
    private final Map<String, PeerProxy> proxies = new ConcurrentHashMap<>();
    /**
     * netns labs: while a delay is in force, every member's peer traffic is redirected (DNAT inside the nodes) to one
     * of these, on the host's address, which forwards it to the member with the delay. The kernel may have no netem.
     */
    private final Map<String, PeerProxy> delayProxies = new ConcurrentHashMap<>();
    private volatile String host;
    private volatile FleetService fleet;
    private final Map<String, String> idToNode = new ConcurrentHashMap<>();
    private final AtomicReference<LinkRules> rules = new AtomicReference<>(LinkRules.NONE);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile DaemonView view;

    private Daemon(Path root) {
        this.root = root;
    }

    /** Runs until asked to stop; writes {@code daemon.json} (pid and port) once it listens. */
    public static void run(Path labRoot, String host) throws IOException, InterruptedException {
        new Daemon(labRoot).serve(host);
    }

    private void serve(String host) throws IOException, InterruptedException {
        lab.cli.Forward.build(); // this daemon's build, as it starts: a jar rebuilt later is another build
        this.host = host;
        reload();
        Path kept = root.resolve(RULES_FILE);
        if (Files.exists(kept)) {
            // a daemon started again on a running lab: the faults its predecessor enforced are still in force
            rules.set(LinkRules.fromText(Files.readString(kept)));
            if (!view.proxied()) {
                delayProxies();
            }
        }
        String token = Files.readString(root.resolve(TOKEN_FILE)).trim();
        HttpServer http = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 16);
        java.util.concurrent.ExecutorService handlers = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "daemon-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(handlers);
        http.createContext("/", ex -> {
            ex.sendResponseHeaders(404, -1);
            ex.close();
        });
        context(http, token, "/ping", ex -> reply(ex, "pid " + ProcessHandle.current().pid() + "\n"));
        context(http, token, "/reload", ex -> {
            reload();
            reply(ex, String.join("\n", proxies.keySet()) + "\n");
        });
        context(http, token, "/rules", ex -> {
            if (ex.getRequestMethod().equals("PUT")) {
                rules.set(LinkRules.fromText(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)));
                keepRules();
                if (!view.proxied()) {
                    delayProxies();
                }
                proxies.values().forEach(PeerProxy::enforce);
                delayProxies.values().forEach(PeerProxy::enforce);
            }
            reply(ex, rules.get().toText());
        });
        context(http, token, "/delay-proxies", ex -> {
            StringBuilder b = new StringBuilder();
            new java.util.TreeMap<>(delayProxies).forEach((n, p) -> b.append(n).append(' ').append(p.port())
                    .append('\n'));
            reply(ex, b.toString());
        });
        context(http, token, "/fleet", ex -> {
            startFleet();
            reply(ex, "fleet runs\n" + fleet.progress());
        });
        // the fast path of commands on this lab (lab.cli.Forward): the same CLI, run here warm, only for the same build
        context(http, token, "/cli", ex -> {
            if (!lab.cli.Forward.accepts(java.util.Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Lab-Build")),
                    java.util.Optional.ofNullable(ex.getRequestHeaders().getFirst("X-Lab-Path")))) {
                ex.sendResponseHeaders(409, -1);
                ex.close();
                return;
            }
            ex.sendResponseHeaders(200, 0);
            try (OutputStream o = ex.getResponseBody()) {
                lab.cli.Forward.serve(ex.getRequestBody(), o, System.out);
            }
        });
        // the live page (lab ui): made on its first request, so a daemon no page asks for loads none of it
        registerUi(http, token);
        context(http, token, "/stop", ex -> {
            reply(ex, "stopping\n");
            stopped.countDown();
        });
        http.start();
        if (Files.exists(root.resolve("fleet.enabled"))) {
            // a daemon started again on a lab that uses fleet: the units its predecessor's agents ran are stopped
            // (their process groups, as recorded) so that the agents start each exactly once again
            try (var nodes = Files.list(root.resolve("nodes"))) {
                nodes.forEach(n -> lab.fleet.ProcessUnitRunner.killRecorded(n.resolve("units")));
            } catch (IOException e) {
                // no node directories: no units
            }
            startFleet();
        }
        DiscoveryService discovery = null;
        if (view.discovery()) {
            String at = view.proxied() ? new lab.provider.local.LocalAddresses(view.block())
                    .map(view.hostSpecAddress()) : view.hostSpecAddress();
            discovery = new DiscoveryService(at, lab.render.EtcdEnv.DISCOVERY_PORT, view.name(),
                    view.members().size());
        }
        Path tmp = root.resolve("daemon.json.tmp");
        Files.writeString(tmp, "{\"pid\": " + ProcessHandle.current().pid() + ", \"port\": "
                + http.getAddress().getPort() + "}\n");
        Files.move(tmp, root.resolve("daemon.json"), StandardCopyOption.ATOMIC_MOVE);
        warmUp(handlers);
        watchState();
        stopped.await();
        http.stop(0);
        handlers.shutdownNow();
        if (discovery != null) {
            discovery.stop();
        }
        proxies.values().forEach(PeerProxy::close);
        delayProxies.values().forEach(PeerProxy::close);
        if (fleet != null) {
            fleet.close();
        }
    }

    private volatile UiServer ui;

    private synchronized UiServer ui() throws IOException {
        if (ui == null) {
            ui = new UiServer(root, view.name(), rules::get);
        }
        return ui;
    }

    /** The page's paths, each handing over to the page's server (made on first use). */
    private void registerUi(HttpServer http, String token) {
        for (String path : UiServer.PAGE_PATHS) {
            http.createContext(path, ex -> ui().handle(path, ex));
        }
        for (String path : UiServer.CONTROL_PATHS) {
            context(http, token, path, ex -> ui().handle(path, ex));
        }
    }

    /**
     * Stops this daemon (its proxies, fleet's agents and their units) once its lab's state is gone for good: the
     * folder was removed without `lab down` (rm -rf, a test's temporary folder), or a `lab down` killed the lab while
     * this daemon was still being started. Nothing else would ever stop it. Checked every 2 s; gone twice in a row
     * (a state being rewritten is never absent: it is replaced by a rename).
     */
    private void watchState() {
        Thread t = new Thread(() -> {
            int missing = 0;
            while (missing < 2) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException e) {
                    return;
                }
                missing = Files.exists(root.resolve("state.json")) ? 0 : missing + 1;
            }
            System.out.println("the lab's state (" + root.resolve("state.json") + ") is gone: stopping");
            stopped.countDown();
        }, "state-watch");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Runs one status of the lab through the fast path, a few seconds after start (not during the bring-up it would
     * slow): the command-line model, the status probe and JSON are loaded and compiled before the first command
     * comes, so that one is fast too.
     */
    private void warmUp(java.util.concurrent.ExecutorService handlers) {
        handlers.submit(() -> {
            try {
                Thread.sleep(3000);
                java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
                try (java.io.DataOutputStream d = new java.io.DataOutputStream(request)) {
                    String[] cmd = {root.getParent().getParent().toString(), "status", "--name", view.name(),
                            "-o", "json"};
                    d.writeInt(cmd.length);
                    for (String x : cmd) {
                        d.writeUTF(x);
                    }
                }
                lab.cli.Forward.serve(new java.io.ByteArrayInputStream(request.toByteArray()),
                        java.io.OutputStream.nullOutputStream(), new java.io.PrintStream(
                                java.io.OutputStream.nullOutputStream()));
            } catch (Exception | LinkageError e) {
                // warming is an optimization: a command that comes first just takes longer
            }
        });
    }

    /** Where the daemon keeps the rules in force, for a daemon started again after this one died. */
    public static final String RULES_FILE = "rules.txt";

    private synchronized void keepRules() throws IOException {
        Path tmp = root.resolve(RULES_FILE + ".tmp");
        Files.writeString(tmp, rules.get().toText());
        Files.move(tmp, root.resolve(RULES_FILE), StandardCopyOption.ATOMIC_MOVE);
    }

    /** Starts fleet's agents and engine (once); remembered in fleet.enabled. */
    private synchronized void startFleet() throws IOException {
        if (fleet == null) {
            Files.writeString(root.resolve("fleet.enabled"), "fleet runs in this lab's daemon\n");
            fleet = new FleetService(root, view);
        }
    }

    /** netns: a proxy per member while any delay is in force, none otherwise. */
    private synchronized void delayProxies() throws IOException {
        if (rules.get().delays().isEmpty()) {
            delayProxies.values().forEach(PeerProxy::close);
            delayProxies.clear();
            return;
        }
        for (String[] m : view.members()) {
            if (!delayProxies.containsKey(m[0])) {
                delayProxies.put(m[0], new PeerProxy(m[0], new InetSocketAddress(host, 0),
                        new InetSocketAddress(m[1], 2380), rules::get, this::nodeOf));
            }
        }
    }

    /** Re-reads the lab: a proxy for every member that is not removed, none for the others. */
    private synchronized void reload() throws IOException {
        view = DaemonView.parse(Files.readString(root.resolve("daemon-view.tsv")));
        lab.pki.Pki pki = Files.exists(root.resolve("pki").resolve("ca.crt"))
                ? lab.pki.Pki.at(root.resolve("pki").toAbsolutePath()) : null;
        if (pki != null) {
            // a TLS lab: every client of the daemon's (fleet, discovery, the page) speaks TLS to its members
            lab.etcd.Tls.register(view.members().stream().map(m -> m[1]).toList(), pki);
        }
        // a lab with auth: fleet's registry calls and its units' etcdctl authenticate (`lab up` reloads the daemon
        // once auth is enabled)
        lab.etcd.Auth.Secrets.read(root.resolve(lab.etcd.Auth.FILE)).ifPresent(s -> lab.etcd.Auth.register(
                view.nodes().stream().map(n -> n[2]).toList(), s));
        Map<String, String> wanted = new ConcurrentHashMap<>();
        if (view.proxied()) {
            view.members().forEach(m -> wanted.put(m[0], m[1]));
        }
        for (Map.Entry<String, String> m : wanted.entrySet()) {
            if (!proxies.containsKey(m.getKey())) {
                // made on a thread of its own while the proxy already listens: three of them took 250 ms of a
                // cold daemon's start, with the members' peers dialing in vain meanwhile
                lab.pki.Pki p = pki;
                String node = m.getKey();
                java.util.concurrent.CompletableFuture<javax.net.ssl.SSLContext> tls = p == null ? null
                        : java.util.concurrent.CompletableFuture.supplyAsync(() -> p.context(node), task -> {
                            Thread t = new Thread(task, "tls-" + node);
                            t.setDaemon(true);
                            t.start();
                        });
                proxies.put(m.getKey(), new PeerProxy(m.getKey(), new InetSocketAddress(m.getValue(), 2380),
                        new InetSocketAddress(m.getValue(), HIDDEN_PEER_PORT), rules::get, this::nodeOf, tls));
            }
        }
        for (String name : proxies.keySet()) {
            if (!wanted.containsKey(name)) {
                proxies.remove(name).close();
            }
        }
        idToNode.clear();
    }

    /**
     * The node behind a sender: a peer URL names it by address; a hex member id is learnt from any member's local
     * member list and then cached.
     */
    private String nodeOf(String sender) {
        if (sender.startsWith("http")) {
            String host = sender.replaceAll("^https?://|:\\d+/?$", "");
            return view.members().stream().filter(m -> m[1].equals(host)).map(m -> m[0]).findFirst().orElse(null);
        }
        String known = idToNode.get(sender);
        if (known != null) {
            return known;
        }
        for (String[] m : view.members()) {
            try {
                for (Member member : EtcdHttp.members(lab.etcd.Tls.scheme(m[1]) + "://" + m[1] + ":2379", false, Duration.ofMillis(500))) {
                    for (String url : member.peerUrls()) {
                        view.members().stream().filter(x -> url.equals(lab.etcd.Tls.scheme(x[1]) + "://" + x[1] + ":2380")).findFirst()
                                .ifPresent(x -> idToNode.put(Long.toHexString(member.id()), x[0]));
                    }
                }
                if (idToNode.containsKey(sender)) {
                    return idToNode.get(sender);
                }
            } catch (RuntimeException e) {
                // that member cannot say; ask the next
            }
        }
        return null;
    }

    /** The file that holds the lab's token for the control API. */
    public static final String TOKEN_FILE = "daemon.token";

    /** A handler that runs only for requests carrying the token; 403 for the others. */
    private static void context(HttpServer http, String token, String path, com.sun.net.httpserver.HttpHandler h) {
        http.createContext(path, ex -> {
            String given = ex.getRequestHeaders().getFirst(DaemonClient.TOKEN_HEADER);
            if (given == null || !java.security.MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
                    token.getBytes(StandardCharsets.UTF_8))) {
                byte[] b = "403: this lab's token is missing or wrong\n".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(403, b.length);
                try (OutputStream o = ex.getResponseBody()) {
                    o.write(b);
                }
                return;
            }
            h.handle(ex);
        });
    }

    private static void reply(HttpExchange ex, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
