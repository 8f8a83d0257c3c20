package lab.render;

import lab.spec.EtcdSettings;
import lab.spec.LabSpec;

/**
 * The iptables-restore file a firewalled node boots with: ssh from anywhere (Vagrant reaches nodes through NAT),
 * ICMP, and the etcd ports (plus any allow-tcp port) from inside the lab subnet; every other inbound packet is
 * dropped. Replies to the node's own connections pass through conntrack.
 */
final class IptablesRules {
    static final String PATH = "/var/lib/iptables/rules-save";

    private IptablesRules() {
    }

    static String render(LabSpec spec) {
        String subnet = spec.subnet().toString();
        StringBuilder b = new StringBuilder();
        b.append("*filter\n");
        b.append(":INPUT DROP [0:0]\n");
        b.append(":FORWARD DROP [0:0]\n");
        b.append(":OUTPUT ACCEPT [0:0]\n");
        b.append("-A INPUT -i lo -j ACCEPT\n");
        b.append("-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
        b.append("-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\n");
        b.append("-A INPUT -p icmp -j ACCEPT\n");
        b.append("-A INPUT -s ").append(subnet).append(" -p tcp -m multiport --dports ")
                .append(EtcdSettings.CLIENT_PORT).append(',').append(EtcdSettings.PEER_PORT).append(" -j ACCEPT\n");
        for (int port : spec.firewall().allowTcp()) {
            b.append("-A INPUT -s ").append(subnet).append(" -p tcp -m tcp --dport ").append(port)
                    .append(" -j ACCEPT\n");
        }
        b.append("COMMIT\n");
        return b.toString();
    }
}
