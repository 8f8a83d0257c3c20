package lab.etcd;

import java.net.URI;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import lab.pki.Pki;

/**
 * Which etcd addresses of this process's labs speak TLS, and with what: the lab's PKI, and an SSL context that
 * trusts its CA and presents lab's client certificate. A lab registers its members' addresses when it is opened or
 * created with TLS ({@code .lab/<name>/pki/}); every client of lab's (the gateway calls, jetcd, etcdctl, the peer
 * proxy) asks here, so a plain lab and a TLS lab can be driven from the same JVM (the Java API).
 */
public final class Tls {
    private static final Map<String, Pki> BY_ADDRESS = new ConcurrentHashMap<>();
    private static final Map<Pki, SSLContext> CONTEXTS = new ConcurrentHashMap<>();

    private Tls() {
    }

    /** The addresses of a TLS lab's nodes, with its PKI. */
    public static void register(Collection<String> addresses, Pki pki) {
        addresses.forEach(a -> BY_ADDRESS.put(a, pki));
    }

    /**
     * A plain lab's addresses: when a TLS lab of this JVM had them before (its lab taken down, a later lab on the
     * same block or subnet, as `lab run` brings up one scenario's lab after another), they speak plain HTTP again.
     */
    public static void unregister(Collection<String> addresses) {
        addresses.forEach(BY_ADDRESS::remove);
    }

    /** @return https for an address of a TLS lab, else http */
    public static String scheme(String address) {
        return BY_ADDRESS.containsKey(address) ? "https" : "http";
    }

    /** The PKI of the lab an endpoint (a URL, or host:port) belongs to, when it speaks TLS. */
    public static Optional<Pki> pki(String endpoint) {
        return Optional.ofNullable(BY_ADDRESS.get(host(endpoint)));
    }

    /** The client SSL context for an endpoint of a TLS lab. */
    public static Optional<SSLContext> context(String endpoint) {
        return pki(endpoint).map(p -> CONTEXTS.computeIfAbsent(p, x -> x.context(Pki.CLIENT)));
    }

    /**
     * A jetcd client builder for these endpoints: a TLS lab's CA trusted and lab's client certificate presented
     * (netty's SslContextBuilder, which jetcd takes), or plain; with the workload's user in a lab with auth.
     */
    public static io.etcd.jetcd.ClientBuilder jetcd(java.util.List<String> endpoints) {
        io.etcd.jetcd.ClientBuilder b = io.etcd.jetcd.Client.builder().endpoints(endpoints.toArray(String[]::new));
        Optional<Pki> pki = endpoints.isEmpty() ? Optional.empty() : pki(endpoints.get(0));
        if (pki.isPresent()) {
            Pki p = pki.get();
            try {
                b.sslContext(s -> s.trustManager(p.cert(Pki.CA).toFile()).keyManager(p.cert(Pki.CLIENT).toFile(),
                        p.keyFile(Pki.CLIENT).toFile()));
            } catch (javax.net.ssl.SSLException e) {
                throw new lab.spec.EnvironmentException("cannot read the lab's certificates in " + p.dir() + ": "
                        + e.getMessage(), e);
            }
        }
        // a lab with auth: the workload's user (jetcd authenticates, and again when a member forgot its token)
        if (!endpoints.isEmpty()) {
            Auth.workload(endpoints.get(0)).ifPresent(c -> b.user(io.etcd.jetcd.ByteSequence.from(c.user(),
                    java.nio.charset.StandardCharsets.UTF_8)).password(io.etcd.jetcd.ByteSequence.from(c.password(),
                    java.nio.charset.StandardCharsets.UTF_8)));
        }
        return b;
    }

    /** etcdctl's environment for an endpoint of a TLS lab (ETCDCTL_CACERT, _CERT, _KEY); empty for a plain one. */
    public static Map<String, String> etcdctlEnv(String endpoint) {
        return pki(endpoint).map(p -> Map.of("ETCDCTL_CACERT", p.cert(Pki.CA).toString(), "ETCDCTL_CERT",
                p.cert(Pki.CLIENT).toString(), "ETCDCTL_KEY", p.keyFile(Pki.CLIENT).toString())).orElse(Map.of());
    }

    /** The host of a URL or host:port. */
    static String host(String endpoint) {
        if (endpoint.contains("://")) {
            String h = URI.create(endpoint).getHost();
            return h == null ? endpoint : h;
        }
        return endpoint.replaceAll(":\\d+$", "");
    }
}
