package lab.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import lab.net.LinkRules;
import lab.spec.EnvironmentException;

/** How CLI commands talk to a lab's daemon: on loopback, with the lab's token on every request. */
public final class DaemonClient {
    /** The header that carries the lab's token. */
    public static final String TOKEN_HEADER = "X-Lab-Token";
    private final String base;
    private final String token;

    public DaemonClient(String host, int port, String token) {
        this.base = "http://" + host + ":" + port;
        this.token = token;
    }

    public boolean ping() {
        try {
            call("GET", "/ping", null);
            return true;
        } catch (EnvironmentException e) {
            return false;
        }
    }

    /** Makes the daemon re-read state.json (after members were added or removed). */
    public void reload() {
        call("POST", "/reload", null);
    }

    public LinkRules rules() {
        try {
            return LinkRules.fromText(new String(call("GET", "/rules", null), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new EnvironmentException("the lab daemon sent unreadable rules: " + e.getMessage(), e);
        }
    }

    public void rules(LinkRules r) {
        call("PUT", "/rules", r.toText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * The delay proxies of a netns lab, by member name: the port on the daemon's host address that leads to that
     * member's peer port. Empty while no delay is in force.
     */
    public java.util.Map<String, Integer> delayProxies() {
        java.util.Map<String, Integer> out = new java.util.TreeMap<>();
        for (String line : new String(call("GET", "/delay-proxies", null), java.nio.charset.StandardCharsets.UTF_8)
                .split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2) {
                out.put(f[0], Integer.parseInt(f[1]));
            }
        }
        return out;
    }

    /**
     * How far the start of fleet's agents has come.
     *
     * @param agents the machines the daemon runs an agent for
     * @param registered those that registered in etcd at least once
     * @param ageMs how long ago the daemon started fleet
     */
    public record FleetProgress(int agents, int registered, long ageMs) {
    }

    /** Makes the daemon run fleet's agents and engine (idempotent); says how far their start has come. */
    public FleetProgress fleet() {
        java.util.Map<String, Long> f = new java.util.HashMap<>();
        for (String line : new String(call("POST", "/fleet", null), java.nio.charset.StandardCharsets.UTF_8)
                .split("\n")) {
            String[] kv = line.split(" ");
            if (kv.length == 2 && kv[1].matches("\\d+")) {
                f.put(kv[0], Long.parseLong(kv[1]));
            }
        }
        return new FleetProgress(f.getOrDefault("agents", 0L).intValue(), f.getOrDefault("registered", 0L).intValue(),
                f.getOrDefault("age-ms", Long.MAX_VALUE));
    }

    public void stop() {
        call("POST", "/stop", null);
    }

    /** POSTs text to one of the daemon's control paths; its answer. */
    public String post(String path, String body) {
        return new String(call("POST", path, body.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    /** GETs one of the daemon's control paths. */
    public String get(String path) {
        return new String(call("GET", path, null), java.nio.charset.StandardCharsets.UTF_8);
    }

    private byte[] call(String method, String path, byte[] body) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + path).toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(5000);
            c.setRequestMethod(method);
            c.setRequestProperty(TOKEN_HEADER, token);
            if (body != null) {
                c.setDoOutput(true);
                try (OutputStream o = c.getOutputStream()) {
                    o.write(body);
                }
            }
            if (c.getResponseCode() != 200) {
                throw new EnvironmentException("the lab daemon answered " + c.getResponseCode() + " to " + path);
            }
            try (InputStream in = c.getInputStream()) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new EnvironmentException("the lab daemon at " + base + " does not answer (" + e.getMessage()
                    + "); `lab down` still removes the lab", e);
        }
    }
}
