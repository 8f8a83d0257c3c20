package lab.spec;

import java.util.List;

/**
 * Optional iptables rules rendered into user-data: ssh, ICMP and the etcd ports from inside the lab subnet are
 * allowed, everything else inbound is dropped. {@code allowTcp} opens more ports to the lab subnet.
 */
public record Firewall(boolean enabled, List<Integer> allowTcp) {

    public Firewall {
        allowTcp = List.copyOf(allowTcp);
    }

    public static Firewall disabled() {
        return new Firewall(false, List.of());
    }
}
