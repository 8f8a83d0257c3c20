package lab.provider;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.net.LinkRules;
import lab.spec.BadInputException;
import lab.spec.Durations;
import lab.spec.Role;

/**
 * Network faults between members, applied by the lab daemon's peer proxies: partitions (both directions), one-way
 * blocks, delays, and heal. Only peer traffic is cut; clients still reach every member, and a member cut off
 * from the majority refuses linearizable requests because it cannot reach a quorum.
 */
public final class Network {
    private static final Pattern DELAY = Pattern.compile("(\\d+(?:\\.\\d+)?(?:ms|s))(?:(?:±|\\+-|~)(\\d+(?:\\.\\d+)?"
            + "(?:ms|s)))?");

    private Network() {
    }

    /** Cuts every link between the groups, both ways. Members in no group keep all their links. */
    public static LinkRules partition(Lab lab, List<List<String>> groups) {
        Set<String> seen = new HashSet<>();
        for (List<String> g : groups) {
            for (String n : g) {
                member(lab, n);
                if (!seen.add(n)) {
                    throw new BadInputException(n + " is in two groups of the partition");
                }
            }
        }
        if (groups.size() < 2) {
            throw new BadInputException("a partition needs at least two groups, like: partition core-01 "
                    + "core-02,core-03");
        }
        return apply(lab, lab.rules().partition(groups));
    }

    /** Cuts one member off from every other member. */
    public static LinkRules isolate(Lab lab, String node) {
        member(lab, node);
        List<String> rest = new ArrayList<>();
        lab.state().members().stream().map(NodeState::name).filter(n -> !n.equals(node)).forEach(rest::add);
        return apply(lab, lab.rules().partition(List.of(List.of(node), rest)));
    }

    /** Drops raft messages from {@code from} to {@code to} only; the other direction still flows. */
    public static LinkRules block(Lab lab, String from, String to) {
        member(lab, from);
        member(lab, to);
        return apply(lab, lab.rules().block(from, to));
    }

    /** Delays all peer traffic of a member; {@code spec} is like 200ms or 200ms±50ms. */
    public static LinkRules delay(Lab lab, String node, String spec) {
        member(lab, node);
        Matcher m = DELAY.matcher(spec);
        if (!m.matches()) {
            throw new BadInputException("delay takes a duration with optional jitter, like 200ms or 200ms±50ms; got \""
                    + spec + "\"");
        }
        int ms = (int) Durations.parse(m.group(1)).orElseThrow().toMillis();
        int jitter = m.group(2) == null ? 0 : (int) Durations.parse(m.group(2)).orElseThrow().toMillis();
        if (jitter > ms) {
            throw new BadInputException("delay jitter (" + jitter + " ms) cannot exceed the delay (" + ms + " ms)");
        }
        return apply(lab, lab.rules().delay(node, ms, jitter));
    }

    /** Restores every link and removes every delay. */
    public static LinkRules heal(Lab lab) {
        return apply(lab, LinkRules.NONE);
    }

    private static LinkRules apply(Lab lab, LinkRules r) {
        lab.rules(r);
        return r;
    }

    private static void member(Lab lab, String name) {
        NodeState n = lab.node(name);
        if (n.role() != Role.MEMBER) {
            throw new BadInputException(name + " is a " + n.role().id() + ": network faults act on the links between "
                    + "etcd members");
        }
    }
}
