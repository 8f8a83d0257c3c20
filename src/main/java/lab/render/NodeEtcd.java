package lab.render;

import java.util.Map;

/**
 * What a node's user-data says to run for etcd, read back from the rendered text with the boot-time placeholders
 * filled in.
 *
 * @param env the ETCD_* variables (for a gateway: ETCD_GATEWAY_LISTEN_ADDR and ETCD_GATEWAY_ENDPOINTS)
 */
public record NodeEtcd(Kind kind, Map<String, String> env) {

    public enum Kind {
        /** A voting member (etcd-member.service or etcd2.service). */
        MEMBER,
        /** etcd's v3 gateway (Flatcar proxies). */
        GATEWAY,
        /** An etcd2 proxy (CoreOS proxies), run as etcd in proxy mode. */
        V2_PROXY,
        /** No etcd on this node (workers). */
        NONE
    }

    public NodeEtcd {
        env = Map.copyOf(env);
    }
}
