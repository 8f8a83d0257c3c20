package lab.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The lab's own etcd discovery service: the subset of etcd's v2 keys API that etcd's discovery client uses
 * (what discovery.etcd.io serves), for one token, pre-sized to the lab's member count:
 * {@code GET /<token>/_config/size}, {@code PUT /<token>/<id>?prevExist=false} with {@code value=name=peerURL},
 * {@code GET /<token>} (the registered members) and {@code GET /<token>?wait=true&waitIndex=N} (a long poll).
 */
final class DiscoveryService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String token;
    private final Map<String, long[]> index = new LinkedHashMap<>();
    private final Map<String, String> values = new LinkedHashMap<>();
    private long etcdIndex;
    private final HttpServer http;

    DiscoveryService(String host, int port, String token, int size) throws IOException {
        this.token = "/" + token;
        put(this.token + "/_config/size", Integer.toString(size));
        http = HttpServer.create(new InetSocketAddress(host, port), 64);
        http.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "discovery");
            t.setDaemon(true);
            return t;
        }));
        http.createContext("/", this::handle);
        http.start();
    }

    void stop() {
        http.stop(0);
    }

    private synchronized long put(String key, String value) {
        etcdIndex++;
        index.put(key, new long[] {etcdIndex, etcdIndex});
        values.put(key, value);
        notifyAll();
        return etcdIndex;
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath().replaceAll("/+$", "");
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        if (!path.equals(token) && !path.startsWith(token + "/")) {
            error(ex, 404, 100, "Key not found", path);
            return;
        }
        if (ex.getRequestMethod().equals("PUT")) {
            Map<String, String> form = query(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            synchronized (this) {
                if ("false".equals(q.get("prevExist")) && values.containsKey(path)) {
                    error(ex, 412, 105, "Key already exists", path);
                    return;
                }
                put(path, form.getOrDefault("value", ""));
            }
            reply(ex, 201, event("create", path));
            return;
        }
        if ("true".equals(q.get("wait"))) {
            long from = Long.parseLong(q.getOrDefault("waitIndex", "0"));
            String changed = awaitChange(from);
            if (changed == null) {
                reply(ex, 200, JSON.createObjectNode()); // a timed-out long poll: the client asks again
            } else {
                reply(ex, 200, event("create", changed));
            }
            return;
        }
        synchronized (this) {
            if (values.containsKey(path)) {
                reply(ex, 200, event("get", path));
            } else if (path.equals(token)) {
                ObjectNode r = JSON.createObjectNode().put("action", "get");
                ObjectNode dir = r.putObject("node").put("key", token).put("dir", true);
                ArrayNode nodes = dir.putArray("nodes");
                nodes.addObject().put("key", token + "/_config").put("dir", true);
                values.keySet().stream().filter(k -> !k.startsWith(token + "/_config"))
                        .forEach(k -> nodes.add(node(k)));
                reply(ex, 200, r);
            } else {
                error(ex, 404, 100, "Key not found", path);
            }
        }
    }

    private synchronized String awaitChange(long from) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            for (Map.Entry<String, long[]> e : index.entrySet()) {
                if (e.getValue()[1] >= from && !e.getKey().startsWith(token + "/_config")) {
                    return e.getKey();
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(this, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
    }

    private synchronized ObjectNode event(String action, String key) {
        ObjectNode r = JSON.createObjectNode().put("action", action);
        r.set("node", node(key));
        return r;
    }

    private ObjectNode node(String key) {
        long[] i = index.get(key);
        return JSON.createObjectNode().put("key", key).put("value", values.get(key)).put("modifiedIndex", i[1])
                .put("createdIndex", i[0]);
    }

    private void error(HttpExchange ex, int code, int etcdCode, String message, String cause) throws IOException {
        reply(ex, code, JSON.createObjectNode().put("errorCode", etcdCode).put("message", message).put("cause", cause)
                .put("index", etcdIndex));
    }

    private void reply(HttpExchange ex, int code, ObjectNode body) throws IOException {
        byte[] b = JSON.writeValueAsBytes(body);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        synchronized (this) {
            ex.getResponseHeaders().add("X-Etcd-Index", Long.toString(etcdIndex));
        }
        ex.sendResponseHeaders(code, b.length);
        try (OutputStream o = ex.getResponseBody()) {
            o.write(b);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String kv : raw.split("&")) {
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            out.put(k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }
}
