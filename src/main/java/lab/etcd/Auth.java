package lab.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import lab.spec.EnvironmentException;

/**
 * etcd's authentication for the labs of this process ({@code security: {auth: true}}): which addresses belong to a
 * lab with users, their passwords, and the token lab's own calls carry.
 *
 * <p>Two users, made by `lab up` once the cluster first answers (etcd 3.4 enables auth only on a running cluster,
 * and only with a user {@code root} holding the role {@code root}, etcd's auth/store.go):
 * <ul>
 *   <li>{@code root}: lab's own tools (status, membership, snapshots, maintenance, `lab etcdctl`, scenario
 *   {@code exec});</li>
 *   <li>{@code lab}, with the role {@code lab}: read and write on every key and nothing else (no member changes, no
 *   snapshots, no user changes): the workload, the watchers, fleet's units and a test's own client
 *   ({@code EtcdLab.credentials()}).</li>
 * </ul>
 * Their passwords are made at random by `lab up` and kept in {@code .lab/<name>/auth.json} (mode 0600), written
 * before etcd's auth is enabled, so a bring-up that stops half-way never leaves a cluster nobody can enter.
 *
 * <p>Tokens: etcd's default "simple" tokens, which the member that authenticates replicates through raft
 * (etcdserver/v3_server.go Authenticate), so one token serves every member of a lab; a member that restarts forgets
 * them, and a token idle for {@code --auth-token-ttl} (300 s) expires. The gateway calls ({@link EtcdHttp}) carry
 * the lab's token and authenticate again when a member answers "invalid auth token" or "user name is empty";
 * a call that needs no user (a member's status, the member list, alarms) never authenticates, so `lab status`
 * pays for authentication (a bcrypt check, a few ms at the cost of 4 lab renders, and a raft round) only for its
 * health reads.
 */
public final class Auth {
    /** The administrator: etcd requires this name for the user whose role is root. */
    public static final String ROOT = "root";
    /** The workload's user and role. */
    public static final String WORKLOAD = "lab";
    /** The file in a lab's folder ({@code .lab/<name>/}) that keeps the passwords. */
    public static final String FILE = "auth.json";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Map<String, Entry> BY_ADDRESS = new ConcurrentHashMap<>();

    private Auth() {
    }

    /** A user name and its password. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return user + ":<password>"; // never a password in a log line or an exception
        }
    }

    /**
     * What {@code auth.json} keeps: both users' passwords, and whether etcd's auth has been enabled with them.
     *
     * @param enabled false between the file's writing and etcd's answer to "auth enable"
     */
    public record Secrets(Credentials root, Credentials workload, boolean enabled) {
        /** Fresh passwords: 24 random characters of [A-Za-z0-9] (143 bits), no ':' (etcdctl's --user splits there). */
        public static Secrets generate() {
            return new Secrets(new Credentials(ROOT, password()), new Credentials(WORKLOAD, password()), false);
        }

        public Secrets enable() {
            return new Secrets(root, workload, true);
        }

        /** The file's contents, or empty when there is no file (a lab without auth). */
        public static Optional<Secrets> read(Path file) {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            try {
                JsonNode n = JSON.readTree(file.toFile());
                return Optional.of(new Secrets(creds(n.path("root")), creds(n.path("workload")),
                        n.path("enabled").asBoolean(false)));
            } catch (IOException e) {
                throw new EnvironmentException("cannot read the lab's etcd passwords in " + file + ": "
                        + e.getMessage(), e);
            }
        }

        /** Writes the file with mode 0600 from its first byte (a temporary file moved in place). */
        public void write(Path file) {
            ObjectNode o = JSON.createObjectNode();
            o.putObject("root").put("user", root.user()).put("password", root.password());
            o.putObject("workload").put("user", workload.user()).put("password", workload.password());
            o.put("enabled", enabled);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try {
                Files.createDirectories(file.getParent());
                Files.deleteIfExists(tmp);
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(
                        "rw-------")));
                Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o));
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new EnvironmentException("cannot write " + file + ": " + e.getMessage(), e);
            }
        }

        private static Credentials creds(JsonNode n) {
            return new Credentials(n.path("user").asText(""), n.path("password").asText(""));
        }

        private static String password() {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                b.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
            }
            return b.toString();
        }

        @Override
        public String toString() {
            return "Secrets[" + root + ", " + workload + ", enabled=" + enabled + "]";
        }
    }

    /** One lab's secrets and the token its gateway calls share. */
    private static final class Entry {
        final Secrets secrets;
        volatile String token;

        Entry(Secrets secrets) {
            this.secrets = secrets;
        }
    }

    /** The addresses of a lab with auth, with its secrets (a lab registered again gets its token afresh). */
    public static void register(Collection<String> addresses, Secrets secrets) {
        Entry e = new Entry(secrets);
        addresses.forEach(a -> BY_ADDRESS.put(a, e));
    }

    /** A lab without auth on these addresses (one JVM may run a lab with auth and later one without). */
    public static void unregister(Collection<String> addresses) {
        addresses.forEach(BY_ADDRESS::remove);
    }

    /** The secrets of the lab an endpoint (a URL or host:port) belongs to, when it has auth. */
    public static Optional<Secrets> secrets(String endpoint) {
        return Optional.ofNullable(BY_ADDRESS.get(Tls.host(endpoint))).map(e -> e.secrets);
    }

    /** The workload's credentials for an endpoint of a lab whose auth is enabled; empty otherwise. */
    public static Optional<Credentials> workload(String endpoint) {
        return secrets(endpoint).filter(Secrets::enabled).map(Secrets::workload);
    }

    /**
     * etcdctl's environment for an endpoint of a lab whose auth is enabled: ETCDCTL_USER (root, or the workload's
     * user), in the environment rather than the arguments, where {@code ps} would show it. Empty otherwise: etcdctl
     * given a user of a cluster without auth fails ("authentication is not enabled").
     */
    public static Map<String, String> etcdctlEnv(String endpoint, boolean root) {
        return secrets(endpoint).filter(Secrets::enabled).map(s -> root ? s.root() : s.workload())
                .map(c -> Map.of("ETCDCTL_USER", c.user() + ":" + c.password())).orElse(Map.of());
    }

    /** The token lab's gateway calls to this endpoint carry; null when none was obtained (or no auth). */
    static String token(String endpoint) {
        Entry e = BY_ADDRESS.get(Tls.host(endpoint));
        return e == null ? null : e.token;
    }

    /** Whether a refusal is etcd asking for a (new) token: none given, expired, or issued before a restart. */
    static boolean wantsToken(EtcdException e) {
        String m = e.etcdError();
        return e.kind() == EtcdException.Kind.REFUSED && (m.contains("user name is empty")
                || m.contains("invalid auth token") || m.contains("revision of auth store is old"));
    }

    /**
     * A fresh token for the lab of {@code endpoint}, as root, through that member; {@code stale} is the token that
     * was refused: when another thread already replaced it, its token is used instead of authenticating again.
     * Null when the endpoint's lab has no auth.
     */
    static String authenticate(String endpoint, String stale, Duration timeout) {
        Entry e = BY_ADDRESS.get(Tls.host(endpoint));
        if (e == null) {
            return null;
        }
        synchronized (e) {
            if (e.token != null && !e.token.equals(stale)) {
                return e.token;
            }
            e.token = EtcdHttp.authenticate(endpoint, e.secrets.root(), timeout);
            return e.token;
        }
    }
}
