package lab.render;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import lab.spec.Bootstrap;
import lab.spec.EtcdSettings;
import lab.spec.Ipv4;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;

/**
 * The one place that decides etcd's configuration. Both profiles render these variables (Flatcar as an
 * etcd-member drop-in, CoreOS as coreos.etcd2 keys) and the stand-in providers read them back from the rendered
 * user-data, so the bootstrap proven on loopback is the one VMs boot with.
 *
 * <p>Values keep the boot-time placeholders: {@value #PRIVATE_IPV4} (coreos-cloudinit fills it in) and
 * {@value #HOSTNAME} (systemd's hostname specifier, which makes the member name the VM's hostname).
 */
public final class EtcdEnv {
    public static final String PRIVATE_IPV4 = "$private_ipv4";
    public static final String PUBLIC_IPV4 = "$public_ipv4";
    public static final String HOSTNAME = "%H";
    /** The lab's own discovery service listens on the host's address of the lab network, on this port. */
    public static final int DISCOVERY_PORT = 2390;

    private EtcdEnv() {
    }

    /** The variables of a voting member. */
    public static Map<String, String> member(LabSpec spec) {
        EtcdSettings e = spec.etcd();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ETCD_NAME", HOSTNAME);
        env.put("ETCD_DATA_DIR", dataDir(spec));
        env.put("ETCD_LISTEN_CLIENT_URLS", clientUrls());
        env.put("ETCD_ADVERTISE_CLIENT_URLS", url(PRIVATE_IPV4, EtcdSettings.CLIENT_PORT));
        env.put("ETCD_LISTEN_PEER_URLS", url(PRIVATE_IPV4, EtcdSettings.PEER_PORT));
        env.put("ETCD_INITIAL_ADVERTISE_PEER_URLS", url(PRIVATE_IPV4, EtcdSettings.PEER_PORT));
        if (spec.bootstrap() == Bootstrap.DISCOVERY) {
            env.put("ETCD_DISCOVERY", discoveryUrl(spec));
        } else {
            env.put("ETCD_INITIAL_CLUSTER", initialCluster(spec));
            env.put("ETCD_INITIAL_CLUSTER_STATE", "new");
            env.put("ETCD_INITIAL_CLUSTER_TOKEN", "lab-" + spec.name());
        }
        env.put("ETCD_HEARTBEAT_INTERVAL", Integer.toString(e.heartbeatMs()));
        env.put("ETCD_ELECTION_TIMEOUT", Integer.toString(e.electionMs()));
        env.put("ETCD_SNAPSHOT_COUNT", Integer.toString(e.snapshotCount()));
        if (spec.security().tls()) {
            tls(spec, env);
        }
        return env;
    }

    /**
     * Where a TLS lab's member finds its certificates: inside etcd-member's container, where Flatcar's etcd-wrapper
     * mounts ETCD_SSL_DIR read-only (flatcar/scripts coreos-overlay/app-admin/etcd-wrapper/files/etcd-wrapper:
     * {@code -v ${ETCD_SSL_DIR}:/etc/ssl/certs:ro}). The local and netns providers map these paths to pki/ files.
     */
    public static final String CERT_DIR = "/etc/ssl/certs";
    /** Where user-data writes them on the VM, given to etcd-member as ETCD_SSL_DIR (its default: /etc/ssl/certs). */
    public static final String SSL_DIR = "/etc/ssl/etcd";

    /**
     * TLS on the client and peer listeners (etcd's security guide: --cert-file, --key-file, --trusted-ca-file,
     * --peer-*), every URL https; peers always present and check certificates of the lab's CA
     * (--peer-client-cert-auth), clients when client-cert-auth is asked for.
     */
    private static void tls(LabSpec spec, Map<String, String> env) {
        for (String k : new String[] {"ETCD_LISTEN_CLIENT_URLS", "ETCD_ADVERTISE_CLIENT_URLS", "ETCD_LISTEN_PEER_URLS",
            "ETCD_INITIAL_ADVERTISE_PEER_URLS", "ETCD_INITIAL_CLUSTER"}) {
            if (env.containsKey(k)) {
                env.put(k, env.get(k).replace("http://", "https://"));
            }
        }
        env.put("ETCD_CERT_FILE", CERT_DIR + "/member.crt");
        env.put("ETCD_KEY_FILE", CERT_DIR + "/member.key");
        env.put("ETCD_TRUSTED_CA_FILE", CERT_DIR + "/ca.crt");
        env.put("ETCD_CLIENT_CERT_AUTH", Boolean.toString(spec.security().clientCertAuth()));
        env.put("ETCD_PEER_CERT_FILE", CERT_DIR + "/member.crt");
        env.put("ETCD_PEER_KEY_FILE", CERT_DIR + "/member.key");
        env.put("ETCD_PEER_TRUSTED_CA_FILE", CERT_DIR + "/ca.crt");
        env.put("ETCD_PEER_CLIENT_CERT_AUTH", "true");
        env.put("ETCD_SSL_DIR", SSL_DIR);
    }

    /** Settings only etcd 3 knows (Flatcar's etcd-member); etcd2 had no pre-vote and always served v2. */
    public static Map<String, String> etcd3Only(LabSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        if (spec.etcd().preVote()) {
            env.put("ETCD_PRE_VOTE", "true");
        }
        if (spec.etcd().enableV2()) {
            env.put("ETCD_ENABLE_V2", "true");
        }
        if (spec.etcd().quotaBackendBytes() > 0) {
            env.put("ETCD_QUOTA_BACKEND_BYTES", Long.toString(spec.etcd().quotaBackendBytes()));
        }
        if (spec.security().auth()) {
            // bcrypt's cost guards weak passwords against offline guessing; a lab's are 24 random characters. At
            // etcd's default (10) each user's creation took ~100 ms on every member and each login ~80 ms, half a
            // second of `lab up`; at 4 (bcrypt's minimum) a few ms (docs/benchmarks.md "TLS lab up").
            env.put("ETCD_BCRYPT_COST", "4");
        }
        return env;
    }

    /** The variables of an etcd2 proxy (CoreOS profile): it forwards clients to the members and stores nothing. */
    public static Map<String, String> v2Proxy(LabSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ETCD_PROXY", "on");
        env.put("ETCD_NAME", HOSTNAME);
        env.put("ETCD_DATA_DIR", dataDir(spec));
        env.put("ETCD_LISTEN_CLIENT_URLS", clientUrls());
        if (spec.bootstrap() == Bootstrap.DISCOVERY) {
            env.put("ETCD_DISCOVERY", discoveryUrl(spec));
        } else {
            env.put("ETCD_INITIAL_CLUSTER", initialCluster(spec));
        }
        return env;
    }

    /** The variables of the etcd v3 gateway unit on Flatcar proxies (etcd-gateway.service). */
    public static Map<String, String> gateway(LabSpec spec) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ETCD_IMAGE_TAG", spec.etcd().version());
        env.put("ETCD_GATEWAY_LISTEN_ADDR", PRIVATE_IPV4 + ":" + EtcdSettings.CLIENT_PORT);
        env.put("ETCD_GATEWAY_ENDPOINTS", spec.members().stream()
                .map(m -> m.address() + ":" + EtcdSettings.CLIENT_PORT).collect(Collectors.joining(",")));
        return env;
    }

    /**
     * Client URLs a node listens on: its own address, and loopback for tools run on the node itself. The local
     * provider, where every node shares one loopback, drops the 127.0.0.1 entry.
     */
    private static String clientUrls() {
        return url(PRIVATE_IPV4, EtcdSettings.CLIENT_PORT) + "," + url("127.0.0.1", EtcdSettings.CLIENT_PORT);
    }

    public static String initialCluster(LabSpec spec) {
        return spec.members().stream().map(m -> m.name() + "=" + url(m.address(), EtcdSettings.PEER_PORT))
                .collect(Collectors.joining(","));
    }

    /** The members' client URLs, comma-separated: what workers, fleet and etcdctl are pointed at. */
    public static String memberClientUrls(LabSpec spec) {
        return spec.members().stream().map(NodeSpec::address).map(a -> url(a, EtcdSettings.CLIENT_PORT))
                .map(u -> spec.security().tls() ? u.replace("http://", "https://") : u)
                .collect(Collectors.joining(","));
    }

    public static String discoveryUrl(LabSpec spec) {
        return "http://" + Ipv4.format(spec.subnet().hostAddress()) + ":" + DISCOVERY_PORT + "/" + spec.name();
    }

    public static String dataDir(LabSpec spec) {
        return spec.etcd().dataDir() != null ? spec.etcd().dataDir() : EtcdSettings.defaultDataDir(spec.profile());
    }

    private static String url(String host, int port) {
        return "http://" + host + ":" + port;
    }
}
