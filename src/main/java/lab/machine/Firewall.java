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

    /** The lab's nat chain that sends peer traffic to the host's delay proxies, and its reset chain. */
    public static final String REDIRECT = "LAB-DELAY";

    /**
     * Sends every new peer connection of this node to the host's proxy for its destination ({@code address ->
     * port} on {@code host}), and resets peer connections that do not go through the host, so that etcd reconnects
     * through the proxies at once.
     */
    public static String redirectPeers(String host, java.util.Map<String, Integer> portOf) {
        StringBuilder b = new StringBuilder();
        b.append("iptables -w -t nat -N ").append(REDIRECT).append(" 2>/dev/null; iptables -w -t nat -F ").append(REDIRECT)
                .append(" && (iptables -w -t nat -C OUTPUT -j ").append(REDIRECT).append(" 2>/dev/null || iptables -w -t "
                + "nat -I OUTPUT -j ").append(REDIRECT).append(")");
        new java.util.TreeMap<>(portOf).forEach((a, p) -> b.append(" && iptables -w -t nat -A ").append(REDIRECT)
                .append(" -d ").append(a).append(" -p tcp --dport 2380 -j DNAT --to-destination ").append(host)
                .append(':').append(p));
        b.append(" && (iptables -w -N ").append(REDIRECT).append(" 2>/dev/null; iptables -w -F ").append(REDIRECT)
                .append(")");
        for (String hook : new String[] {"INPUT", "OUTPUT"}) {
            b.append(" && (iptables -w -C ").append(hook).append(" -j ").append(REDIRECT).append(" 2>/dev/null || "
                    + "iptables -w -I ").append(hook).append(" -j ").append(REDIRECT).append(")");
        }
        String reset = " -j REJECT --reject-with tcp-reset";
        b.append(" && iptables -w -A ").append(REDIRECT).append(" -p tcp --dport 2380 ! -s ").append(host)
                .append(" -m conntrack --ctstate ESTABLISHED").append(reset);
        b.append(" && iptables -w -A ").append(REDIRECT).append(" -p tcp --sport 2380 ! -d ").append(host)
                .append(" -m conntrack --ctstate ESTABLISHED").append(reset);
        b.append(" && iptables -w -A ").append(REDIRECT).append(" -p tcp --dport 2380 ! -d ").append(host)
                .append(" ! -s ").append(host).append(" -m conntrack --ctstate ESTABLISHED").append(reset);
        return b.toString();
    }

    /**
     * Closes every established peer connection of this node, both ends it holds (dialed and accepted), so that etcd
     * dials again at once under the rules now in force. Run on every member after the redirect changed on all of
     * them: the reset rules of {@link #redirectPeers} only answer the side that sends next, and a stream reader that
     * only reads (etcd's) would otherwise hang on its half of a dead connection until its 5 s read timeout, which
     * made a delayed follower cost the cluster its quorum for seconds. Needs the kernel's socket destroy (ss -K);
     * where it is missing, ss removes nothing and the reset rules remain.
     */
    public static String resetPeerConnections() {
        return "ss -K -tn state established '( sport = :2380 or dport = :2380 )' >/dev/null";
    }

    /** Removes the redirect: peer connections go direct again (the proxies' connections break when they close). */
    public static String clearRedirect() {
        return "iptables -w -t nat -D OUTPUT -j " + REDIRECT + " 2>/dev/null; iptables -w -t nat -F " + REDIRECT
                + " 2>/dev/null; iptables -w -t nat -X " + REDIRECT + " 2>/dev/null; iptables -w -D INPUT -j " + REDIRECT
                + " 2>/dev/null; iptables -w -D OUTPUT -j " + REDIRECT + " 2>/dev/null; iptables -w -F " + REDIRECT
                + " 2>/dev/null; iptables -w -X " + REDIRECT + " 2>/dev/null; true";
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
