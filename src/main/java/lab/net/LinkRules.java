package lab.net;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lab's network faults between members, by node name: directed links that drop everything, and delays
 * that apply to all peer traffic of a node. Immutable; the proxy swaps in a new one on every change.
 *
 * @param cut directed links {from, to}: raft messages from {@code from} to {@code to} are dropped
 * @param delays per node: added latency in ms and its jitter in ms
 */
public record LinkRules(Set<List<String>> cut, Map<String, List<Integer>> delays) {

    public static final LinkRules NONE = new LinkRules(Set.of(), Map.of());

    public LinkRules {
        cut = Set.copyOf(cut);
        delays = Map.copyOf(delays);
    }

    public boolean blocked(String from, String to) {
        return cut.contains(List.of(from, to));
    }

    /** Cuts every link between two groups, both directions. */
    public LinkRules partition(List<List<String>> groups) {
        Set<List<String>> c = new HashSet<>(cut);
        for (int i = 0; i < groups.size(); i++) {
            for (int j = 0; j < groups.size(); j++) {
                if (i != j) {
                    for (String a : groups.get(i)) {
                        for (String b : groups.get(j)) {
                            c.add(List.of(a, b));
                        }
                    }
                }
            }
        }
        return new LinkRules(c, delays);
    }

    public LinkRules block(String from, String to) {
        Set<List<String>> c = new HashSet<>(cut);
        c.add(List.of(from, to));
        return new LinkRules(c, delays);
    }

    public LinkRules delay(String node, int ms, int jitterMs) {
        Map<String, List<Integer>> d = new HashMap<>(delays);
        d.put(node, List.of(ms, jitterMs));
        return new LinkRules(cut, d);
    }

    /** The nodes a node cannot reach or be reached from, for `lab status`. */
    public Set<String> cutFrom(String node) {
        Set<String> out = new HashSet<>();
        for (List<String> link : cut) {
            if (link.get(0).equals(node)) {
                out.add(link.get(1));
            } else if (link.get(1).equals(node)) {
                out.add(link.get(0));
            }
        }
        return out;
    }
}
