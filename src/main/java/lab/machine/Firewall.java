package lab.machine;

import java.util.Collection;
import java.util.TreeSet;

/**
 * The iptables rules of network faults on SSH nodes, in a chain of the lab's own ({@value #CHAIN}) jumped to from
 * INPUT, so that healing removes exactly what the lab added and never an operator's rules.
 *
 * <p>A cut link from A to B is a DROP of A's packets on B. That is a one-way cut at the IP level, as Jepsen's
 * iptables partitions are; TCP needs both directions, so connections between the two fail whichever side opened
 * them, while each still reaches every other node. The local provider's proxy can cut raft messages in one
 * direction only; SSH nodes cannot without a proxy.
 */
public final class Firewall {
    public static final String CHAIN = "LAB-FAULTS";

    private Firewall() {
    }

    /**
     * A command that makes the chain exist, hooks it into INPUT once, and fills it with DROPs for these sources; for
     * no sources, it unhooks and deletes the chain, so a healed node carries nothing of the lab's.
     */
    public static String dropFrom(Collection<String> addresses) {
        if (addresses.isEmpty()) {
            return removeChain();
        }
        StringBuilder b = new StringBuilder();
        b.append("iptables -w -N ").append(CHAIN).append(" 2>/dev/null; ");
        b.append("iptables -w -C INPUT -j ").append(CHAIN).append(" 2>/dev/null || iptables -w -I INPUT -j ")
                .append(CHAIN).append(" && ");
        b.append("iptables -w -F ").append(CHAIN);
        for (String a : new TreeSet<>(addresses)) {
            b.append(" && iptables -w -A ").append(CHAIN).append(" -s ").append(a).append(" -j DROP");
        }
        return b.toString();
    }

    /** tc's netem on the interface; 0 ms removes the qdisc. */
    public static String delay(String iface, int ms, int jitterMs) {
        if (ms == 0) {
            return "tc qdisc del dev " + iface + " root 2>/dev/null; true";
        }
        return "tc qdisc replace dev " + iface + " root netem delay " + ms + "ms" + (jitterMs > 0 ? " " + jitterMs
                + "ms" : "");
    }

    /** Unhooks and deletes the chain and any delay; succeeds when there was nothing to remove. */
    public static String remove(String iface) {
        return removeChain() + "; " + delay(iface, 0, 0);
    }

    private static String removeChain() {
        return "iptables -w -D INPUT -j " + CHAIN + " 2>/dev/null; iptables -w -F " + CHAIN + " 2>/dev/null; "
                + "iptables -w -X " + CHAIN + " 2>/dev/null; true";
    }
}
