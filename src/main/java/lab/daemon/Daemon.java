package lab.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import lab.etcd.EtcdHttp;
import lab.etcd.Member;
import lab.net.LinkRules;
import lab.net.PeerProxy;
import lab.provider.LabDir;
import lab.provider.LabState;
import lab.provider.NodeState;
import lab.spec.Role;

/**
 * The per-lab daemon: owns what must outlive one CLI command (the peer proxies and the network fault rules)
 * and answers the CLI over HTTP on the lab's loopback host address. It holds no state the lab cannot lose:
 * killing it cuts the members' peer links until {@code lab down}, which still finds every process by PID.
 */
public final class Daemon {
    /** etcd's real peer listener on each local member; the advertised :2380 is the proxy's. */
    public static final int HIDDEN_PEER_PORT = 12380;
    private static final ObjectMapper JSON = LabDir.json();
    private final LabDir dir;
    private final Map<String, PeerProxy> proxies = new ConcurrentHashMap<>();
    private final Map<String, String> idToNode = new ConcurrentHashMap<>();
    private final AtomicReference<LinkRules> rules = new AtomicReference<>(LinkRules.NONE);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile LabState state;

    private Daemon(LabDir dir) {
        this.dir = dir;
    }

    /** Runs until asked to stop; writes {@code daemon.json} (pid and port) once it listens. */
    public static void run(Path labRoot, String host) throws IOException, InterruptedException {
        LabDir dir = new LabDir(labRoot.getParent().getParent(), labRoot.getFileName().toString());
        new Daemon(dir).serve(host);
    }

    private void serve(String host) throws IOException, InterruptedException {
        reload();
        HttpServer http = HttpServer.create(new InetSocketAddress(host, 0), 16);
        http.createContext("/ping", ex -> reply(ex, 200, Map.of("pid", ProcessHandle.current().pid())));
        http.createContext("/reload", ex -> {
            reload();
            reply(ex, 200, Map.of("proxies", proxies.keySet()));
        });
        http.createContext("/rules", ex -> {
            if (ex.getRequestMethod().equals("PUT")) {
                rules.set(JSON.readValue(ex.getRequestBody(), LinkRules.class));
                proxies.values().forEach(PeerProxy::enforce);
            }
            reply(ex, 200, rules.get());
        });
        http.createContext("/stop", ex -> {
            reply(ex, 200, Map.of("stopping", true));
            stopped.countDown();
        });
        http.start();
        DiscoveryService discovery = null;
        if (state.discovery()) {
            String at = new lab.provider.local.LocalAddresses(state.block()).map(state.hostSpecAddress());
            discovery = new DiscoveryService(at, lab.render.EtcdEnv.DISCOVERY_PORT, state.name(),
                    state.members().size());
        }
        Path info = dir.root().resolve("daemon.json");
        Files.writeString(dir.root().resolve("daemon.json.tmp"), JSON.writeValueAsString(Map.of(
                "pid", ProcessHandle.current().pid(), "port", http.getAddress().getPort())));
        Files.move(dir.root().resolve("daemon.json.tmp"), info, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        stopped.await();
        http.stop(0);
        if (discovery != null) {
            discovery.stop();
        }
        proxies.values().forEach(PeerProxy::close);
    }

    /** Re-reads state.json: a proxy for every member that is not removed, none for the others. */
    private synchronized void reload() throws IOException {
        state = dir.read().orElseThrow(() -> new IOException("no state in " + dir.root()));
        for (NodeState n : state.nodes()) {
            boolean wanted = n.role() == Role.MEMBER && n.process() != NodeState.Process.REMOVED;
            if (wanted && !proxies.containsKey(n.name())) {
                proxies.put(n.name(), new PeerProxy(n.name(), new InetSocketAddress(n.address(), 2380),
                        new InetSocketAddress(n.address(), HIDDEN_PEER_PORT), rules::get, this::nodeOf));
            } else if (!wanted && proxies.containsKey(n.name())) {
                proxies.remove(n.name()).close();
            }
        }
        idToNode.clear();
    }

    /**
     * The node behind a sender: a peer URL names it by address; a hex member id is learnt from any member's local
     * member list and then cached.
     */
    private String nodeOf(String hexId) {
        if (hexId.startsWith("http")) {
            String host = hexId.replaceAll("^https?://|:\\d+/?$", "");
            return state.nodes().stream().filter(n -> n.address().equals(host)).map(NodeState::name).findFirst()
                    .orElse(null);
        }
        String known = idToNode.get(hexId);
        if (known != null) {
            return known;
        }
        for (NodeState n : state.members()) {
            try {
                for (Member m : EtcdHttp.members(n.clientUrl(), false, Duration.ofMillis(500))) {
                    for (String url : m.peerUrls()) {
                        state.nodes().stream().filter(x -> url.equals("http://" + x.address() + ":2380")).findFirst()
                                .ifPresent(x -> idToNode.put(Long.toHexString(m.id()), x.name()));
                    }
                }
                if (idToNode.containsKey(hexId)) {
                    return idToNode.get(hexId);
                }
            } catch (RuntimeException e) {
                // that member cannot say; ask the next
            }
        }
        return null;
    }

    private static void reply(HttpExchange ex, int code, Object body) throws IOException {
        byte[] b = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }
}
