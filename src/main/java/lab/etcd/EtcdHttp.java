package lab.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One-shot etcd requests through etcd's v3 JSON gateway ({@code POST /v3/...} on the client port).
 *
 * <p>Why not jetcd here: a fresh jetcd client spends about 870 ms warming gRPC and vert.x before its first answer
 * (measured on this machine), which alone breaks "lab status answers within a second". The gateway answers a
 * status in a few milliseconds from a cold process. jetcd serves the long-lived clients (workloads, watches).
 * Every call takes its own timeout, so a dead or isolated member costs one timeout, not a hang.
 */
public final class EtcdHttp {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EtcdHttp() {
    }

    /** The member's own status; throws when it does not answer within {@code timeout}. */
    public static MemberStatus status(String endpoint, Duration timeout) {
        JsonNode r = post(endpoint, "/v3/maintenance/status", JSON.createObjectNode(), timeout);
        return new MemberStatus(endpoint, u64(r.path("header").path("member_id")), u64(r.path("leader")),
                u64(r.path("raftTerm")), u64(r.path("raftIndex")), u64(r.path("raftAppliedIndex")),
                u64(r.path("dbSize")), r.path("isLearner").asBoolean(false), r.path("version").asText(""),
                u64(r.path("header").path("revision")));
    }

    /** The member list as {@code endpoint} sees it, through the leader (linearizable). */
    public static List<Member> members(String endpoint, Duration timeout) {
        return members(endpoint, true, timeout);
    }

    /** @param linearizable false to read the member's local view, which answers without a quorum */
    public static List<Member> members(String endpoint, boolean linearizable, Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("linearizable", linearizable);
        return parseMembers(post(endpoint, "/v3/cluster/member/list", body, timeout));
    }

    /**
     * Health as etcdctl checks it: a linearizable read must succeed, which needs a leader and a quorum behind
     * the member. A member cut off from the majority fails this.
     */
    public static boolean healthy(String endpoint, Duration timeout) {
        try {
            get(endpoint, "health", timeout);
            return true;
        } catch (EtcdException e) {
            return false;
        }
    }

    /** etcd's /health endpoint (answered through v2 proxies too): true when it reports a healthy cluster. */
    public static boolean httpHealth(String endpoint, Duration timeout) {
        HttpURLConnection c = null;
        try {
            c = open(endpoint + "/health", timeout);
            if (c.getResponseCode() != 200) {
                return false;
            }
            try (InputStream in = c.getInputStream()) {
                return JSON.readTree(in).path("health").asText().equals("true");
            }
        } catch (IOException e) {
            return false;
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** A linearizable write; returns the store revision after it. */
    public static long put(String endpoint, String key, String value, Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("key", b64(key)).put("value", b64(value));
        return u64(post(endpoint, "/v3/kv/put", body, timeout).path("header").path("revision"));
    }

    /** A linearizable read of one key. */
    public static Optional<String> get(String endpoint, String key, Duration timeout) {
        JsonNode r = post(endpoint, "/v3/kv/range", JSON.createObjectNode().put("key", b64(key)), timeout);
        JsonNode kvs = r.path("kvs");
        return kvs.isArray() && !kvs.isEmpty() ? Optional.of(unb64(kvs.get(0).path("value").asText(""))) : Optional.empty();
    }

    /** How many keys start with {@code prefix} (a linearizable count). */
    public static long countPrefix(String endpoint, String prefix, Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("key", b64(prefix))
                .put("range_end", rangeEnd(prefix)).put("count_only", true);
        return u64(post(endpoint, "/v3/kv/range", body, timeout).path("count"));
    }

    public static long delete(String endpoint, String key, Duration timeout) {
        return u64(post(endpoint, "/v3/kv/deleterange", JSON.createObjectNode().put("key", b64(key)), timeout)
                .path("deleted"));
    }

    /** Every key under {@code prefix} with its value, in key order (a linearizable read). */
    public static java.util.SortedMap<String, String> range(String endpoint, String prefix, Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("key", b64(prefix))
                .put("range_end", rangeEnd(prefix));
        java.util.SortedMap<String, String> out = new java.util.TreeMap<>();
        for (JsonNode kv : post(endpoint, "/v3/kv/range", body, timeout).path("kvs")) {
            out.put(unb64(kv.path("key").asText("")), unb64(kv.path("value").asText("")));
        }
        return out;
    }

    /** A lease of {@code ttlSeconds}; keys put with it vanish when it is not kept alive. */
    public static long leaseGrant(String endpoint, long ttlSeconds, Duration timeout) {
        return u64(post(endpoint, "/v3/lease/grant", JSON.createObjectNode().put("TTL", ttlSeconds), timeout)
                .path("ID"));
    }

    /** Renews a lease; false when it has expired (its keys are gone). */
    public static boolean leaseKeepAlive(String endpoint, long lease, Duration timeout) {
        JsonNode r = post(endpoint, "/v3/lease/keepalive", JSON.createObjectNode().put("ID",
                Long.toUnsignedString(lease)), timeout);
        return u64(r.path("result").path("TTL")) > 0;
    }

    /** A put attached to a lease (0: none). */
    public static void put(String endpoint, String key, String value, long lease, Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("key", b64(key)).put("value", b64(value));
        if (lease != 0) {
            body.put("lease", Long.toUnsignedString(lease));
        }
        post(endpoint, "/v3/kv/put", body, timeout);
    }

    /** Creates the key only if it does not exist (one transaction); true when this call created it. */
    public static boolean createIfAbsent(String endpoint, String key, String value, long lease, Duration timeout) {
        ObjectNode body = JSON.createObjectNode();
        body.putArray("compare").addObject().put("key", b64(key)).put("target", "CREATE").put("result", "EQUAL")
                .put("create_revision", "0");
        ObjectNode put = body.putArray("success").addObject().putObject("request_put").put("key", b64(key))
                .put("value", b64(value));
        if (lease != 0) {
            put.put("lease", Long.toUnsignedString(lease));
        }
        return post(endpoint, "/v3/kv/txn", body, timeout).path("succeeded").asBoolean(false);
    }

    /** Deletes every key under {@code prefix}. */
    public static long deletePrefix(String endpoint, String prefix, Duration timeout) {
        return u64(post(endpoint, "/v3/kv/deleterange", JSON.createObjectNode().put("key", b64(prefix))
                .put("range_end", rangeEnd(prefix)), timeout).path("deleted"));
    }

    /** Adds a member (or a learner) with one peer URL; returns it and the member list after the change. */
    public static List<Member> addMember(String endpoint, String peerUrl, boolean learner, Duration timeout) {
        ObjectNode body = JSON.createObjectNode().put("isLearner", learner);
        body.putArray("peerURLs").add(peerUrl);
        JsonNode r = post(endpoint, "/v3/cluster/member/add", body, timeout);
        return parseMembers(r);
    }

    public static void removeMember(String endpoint, long id, Duration timeout) {
        post(endpoint, "/v3/cluster/member/remove", JSON.createObjectNode().put("ID", Long.toUnsignedString(id)),
                timeout);
    }

    public static void promoteMember(String endpoint, long id, Duration timeout) {
        post(endpoint, "/v3/cluster/member/promote", JSON.createObjectNode().put("ID", Long.toUnsignedString(id)),
                timeout);
    }

    /** An alarm a member raised: NOSPACE (the backend reached its quota) or CORRUPT. */
    public record Alarm(long memberId, String alarm) {
    }

    /** The cluster's alarms, as etcdctl alarm list shows them. */
    public static List<Alarm> alarms(String endpoint, Duration timeout) {
        JsonNode r = post(endpoint, "/v3/maintenance/alarm", JSON.createObjectNode().put("action", "GET"), timeout);
        List<Alarm> out = new ArrayList<>();
        for (JsonNode a : r.path("alarms")) {
            out.add(new Alarm(u64(a.path("memberID")), a.path("alarm").asText("NONE")));
        }
        return out;
    }

    /** Disarms one member's alarm (etcdctl alarm disarm does this for each listed alarm). */
    public static void disarm(String endpoint, Alarm alarm, Duration timeout) {
        post(endpoint, "/v3/maintenance/alarm", JSON.createObjectNode().put("action", "DEACTIVATE")
                .put("memberID", Long.toUnsignedString(alarm.memberId())).put("alarm", alarm.alarm()), timeout);
    }

    /**
     * Compacts the key-value history up to {@code revision} (physical: returns once the space is freed for reuse,
     * as etcdctl compact --physical).
     */
    public static void compact(String endpoint, long revision, Duration timeout) {
        post(endpoint, "/v3/kv/compaction", JSON.createObjectNode().put("revision", Long.toString(revision))
                .put("physical", true), timeout);
    }

    /** Defragments the member's backend: its file shrinks to what it holds (only this member, as etcdctl does). */
    public static void defragment(String endpoint, Duration timeout) {
        post(endpoint, "/v3/maintenance/defragment", JSON.createObjectNode(), timeout);
    }

    private static List<Member> parseMembers(JsonNode r) {
        List<Member> out = new ArrayList<>();
        for (JsonNode m : r.path("members")) {
            out.add(new Member(u64(m.path("ID")), m.path("name").asText(""), strings(m.path("peerURLs")),
                    strings(m.path("clientURLs")), m.path("isLearner").asBoolean(false)));
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Turns on etcd's authentication with lab's two users ({@link Auth}): the roles root and lab (read and write on
     * every key, the range [\0, \0) as etcdctl's --from-key writes it), the users root and lab with their roles,
     * then "auth enable". A step etcd answers "already exists" for counts as done, so a bring-up stopped half-way
     * can repeat it.
     */
    public static void enableAuth(String endpoint, Auth.Secrets secrets, Duration timeout) {
        String all = Base64.getEncoder().encodeToString(new byte[] {0});
        // two chains at once (each step is a raft write), then "auth enable" once both users have their roles
        java.util.concurrent.CompletableFuture<Void> root = java.util.concurrent.CompletableFuture.runAsync(() -> {
            idempotent(() -> post(endpoint, "/v3/auth/role/add", JSON.createObjectNode().put("name", Auth.ROOT),
                    timeout));
            idempotent(() -> post(endpoint, "/v3/auth/user/add", JSON.createObjectNode().put("name",
                    secrets.root().user()).put("password", secrets.root().password()), timeout));
            idempotent(() -> post(endpoint, "/v3/auth/user/grant", JSON.createObjectNode().put("user",
                    secrets.root().user()).put("role", Auth.ROOT), timeout));
        });
        idempotent(() -> post(endpoint, "/v3/auth/role/add", JSON.createObjectNode().put("name", Auth.WORKLOAD),
                timeout));
        ObjectNode grant = JSON.createObjectNode().put("name", Auth.WORKLOAD);
        grant.putObject("perm").put("permType", "READWRITE").put("key", all).put("range_end", all);
        idempotent(() -> post(endpoint, "/v3/auth/role/grant", grant, timeout));
        idempotent(() -> post(endpoint, "/v3/auth/user/add", JSON.createObjectNode().put("name",
                secrets.workload().user()).put("password", secrets.workload().password()), timeout));
        idempotent(() -> post(endpoint, "/v3/auth/user/grant", JSON.createObjectNode().put("user",
                secrets.workload().user()).put("role", Auth.WORKLOAD), timeout));
        try {
            root.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
        idempotent(() -> post(endpoint, "/v3/auth/enable", JSON.createObjectNode(), timeout));
    }

    /** A step of enableAuth: etcd's "already exists" means an earlier, interrupted bring-up did it. */
    private static void idempotent(Runnable step) {
        try {
            step.run();
        } catch (EtcdException e) {
            if (!e.etcdError().contains("already exists") && !e.etcdError().contains("already granted")) {
                throw e;
            }
        }
    }

    /** What a member answers a login: etcd 3.4 has no call that says whether auth is on, a login does. */
    public enum Login {
        /** the user and password are the member's */
        ACCEPTED,
        /** "authentication is not enabled": the cluster has auth off */
        AUTH_OFF,
        /** "authentication failed, invalid user ID or password": the cluster's users are not these */
        REFUSED
    }

    /** Logs {@code user} in through {@code endpoint} and says how it went (the token is not kept). */
    public static Login login(String endpoint, Auth.Credentials user, Duration timeout) {
        try {
            authenticate(endpoint, user, timeout);
            return Login.ACCEPTED;
        } catch (EtcdException e) {
            if (e.etcdError().contains("authentication is not enabled")) {
                return Login.AUTH_OFF;
            }
            if (e.etcdError().contains("authentication failed")) {
                return Login.REFUSED;
            }
            throw e;
        }
    }

    /** A token for {@code user} (etcd's simple token, or a JWT when the cluster is set up so). */
    static String authenticate(String endpoint, Auth.Credentials user, Duration timeout) {
        JsonNode r = send(endpoint, "/v3/auth/authenticate", JSON.createObjectNode().put("name", user.user())
                .put("password", user.password()), timeout, null);
        String token = r.path("token").asText("");
        if (token.isEmpty()) {
            throw new EtcdException(endpoint + ": authenticated as " + user.user() + " but got no token");
        }
        return token;
    }

    /**
     * A gateway call; for a lab with auth it carries the lab's token, and when the member asks for one (none yet,
     * or expired, or forgotten in a restart) it authenticates as root through the same member and asks once more.
     */
    private static JsonNode post(String endpoint, String path, JsonNode body, Duration timeout) {
        String token = Auth.token(endpoint);
        try {
            return send(endpoint, path, body, timeout, token);
        } catch (EtcdException e) {
            if (!Auth.wantsToken(e)) {
                throw e;
            }
            String fresh = Auth.authenticate(endpoint, token, timeout);
            if (fresh == null) {
                throw e;
            }
            return send(endpoint, path, body, timeout, fresh);
        }
    }

    private static JsonNode send(String endpoint, String path, JsonNode body, Duration timeout, String token) {
        HttpURLConnection c = null;
        try {
            c = open(endpoint + path, timeout);
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            if (token != null) {
                c.setRequestProperty("Authorization", token); // grpc-gateway passes it on as the "token" metadata
            }
            try (OutputStream o = c.getOutputStream()) {
                o.write(JSON.writeValueAsBytes(body));
            }
            int code = c.getResponseCode();
            try (InputStream in = code < 400 ? c.getInputStream() : c.getErrorStream()) {
                JsonNode r = in == null ? JSON.createObjectNode() : JSON.readTree(in);
                if (code >= 400 || r.has("error")) {
                    String msg = r.path("error").asText(r.path("message").asText("HTTP " + code));
                    throw new EtcdException(endpoint + ": " + msg, EtcdException.Kind.REFUSED, msg, null);
                }
                return r;
            }
        } catch (SocketTimeoutException e) {
            throw new EtcdException(endpoint + ": no answer within " + timeout.toMillis() + " ms",
                    EtcdException.Kind.TIMEOUT, "", e);
        } catch (IOException e) {
            throw new EtcdException(endpoint + ": " + e.getMessage(), EtcdException.Kind.UNREACHABLE, "", e);
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
    }

    /** A connection whose connect and every read give up after {@code timeout}. */
    private static HttpURLConnection open(String url, Duration timeout) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        if (c instanceof javax.net.ssl.HttpsURLConnection https) {
            // a TLS lab's member: its CA trusted, lab's client certificate presented (client-cert-auth)
            Tls.context(url).ifPresent(ctx -> https.setSSLSocketFactory(ctx.getSocketFactory()));
        }
        int ms = (int) Math.max(1, timeout.toMillis());
        c.setConnectTimeout(ms);
        c.setReadTimeout(ms);
        return c;
    }

    /** The end of the key range of a prefix: the prefix with its last byte incremented, base64. */
    private static String rangeEnd(String prefix) {
        byte[] end = prefix.getBytes(StandardCharsets.UTF_8).clone();
        end[end.length - 1]++;
        return Base64.getEncoder().encodeToString(end);
    }

    private static long u64(JsonNode n) {
        String s = n.asText("");
        return s.isEmpty() ? 0 : Long.parseUnsignedLong(s);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String unb64(String s) {
        return new String(Base64.getDecoder().decode(s), StandardCharsets.UTF_8);
    }
}
