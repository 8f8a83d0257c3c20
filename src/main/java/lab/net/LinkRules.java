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

    /** No fault in force. */
    public boolean isEmpty() {
        return cut.isEmpty() && delays.isEmpty();
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

    /**
     * The rules as lines ({@code cut A B}, {@code delay N MS JITTER}): how the CLI and the daemon exchange them,
     * so that the daemon, whose start-up every bring-up waits for, needs no JSON library.
     */
    public String toText() {
        StringBuilder b = new StringBuilder();
        cut.stream().sorted(java.util.Comparator.comparing((List<String> l) -> l.get(0)).thenComparing(l -> l.get(1)))
                .forEach(l -> b.append("cut ").append(l.get(0)).append(' ').append(l.get(1)).append('\n'));
        new java.util.TreeMap<>(delays).forEach((n, d) -> b.append("delay ").append(n).append(' ').append(d.get(0))
                .append(' ').append(d.get(1)).append('\n'));
        return b.toString();
    }

    public static LinkRules fromText(String text) {
        Set<List<String>> c = new HashSet<>();
        Map<String, List<Integer>> d = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3 && f[0].equals("cut")) {
                c.add(List.of(f[1], f[2]));
            } else if (f.length == 4 && f[0].equals("delay")) {
                d.put(f[1], List.of(Integer.parseInt(f[2]), Integer.parseInt(f[3])));
            } else if (!line.isBlank()) {
                throw new IllegalArgumentException("not a rule: " + line);
            }
        }
        return new LinkRules(c, d);
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
