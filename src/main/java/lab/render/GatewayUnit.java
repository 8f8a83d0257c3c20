package lab.render;

import lab.spec.LabSpec;

/**
 * The unit a Flatcar proxy node runs: etcd's v3 gateway (a TCP proxy to the members' client port) from the same
 * etcd image etcd-member uses. Flatcar ships no etcd proxy unit of its own; etcd 3's v2 proxy mode does not carry
 * v3 clients, the gateway does.
 */
final class GatewayUnit {
    static final String NAME = "etcd-gateway.service";

    private GatewayUnit() {
    }

    static String render(LabSpec spec) {
        return "[Unit]\n"
                + "Description=etcd gateway: forwards etcd clients on this node to the lab's members\n"
                + "Requires=docker.service\n"
                + "After=docker.service network-online.target\n"
                + "Wants=network-online.target\n"
                + "\n"
                + "[Service]\n"
                + UserDataRenderer.environment(EtcdEnv.gateway(spec))
                + "ExecStartPre=-/usr/bin/docker rm -f etcd-gateway\n"
                + "ExecStart=/usr/bin/docker run --rm --name etcd-gateway --net=host quay.io/coreos/etcd:${ETCD_IMAGE_TAG}"
                + " /usr/local/bin/etcd gateway start --listen-addr=${ETCD_GATEWAY_LISTEN_ADDR}"
                + " --endpoints=${ETCD_GATEWAY_ENDPOINTS}\n"
                + "ExecStop=/usr/bin/docker stop etcd-gateway\n"
                + "Restart=always\n"
                + "RestartSec=5\n"
                + "\n"
                + "[Install]\n"
                + "WantedBy=multi-user.target\n";
    }
}
