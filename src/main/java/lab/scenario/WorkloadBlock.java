package lab.scenario;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.history.WorkloadSpec;
import lab.spec.Problems;
import lab.spec.Suggest;
import lab.spec.YamlMap;
import lab.spec.YamlText;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * A scenario's {@code workload:} block ({@code {clients: 8, rate: 200/s, keys: 16, mix: {read: 50, write: 40,
 * cas: 10}}}) and its {@code checks:} list, checked with file:line:col like the rest of the scenario.
 */
final class WorkloadBlock {
    static final List<String> CHECKS = List.of("linearizable", "no-lost-writes", "no-stale-reads", "watch");
    /** What runs when a workload names no checks: the cheap ones. */
    static final List<String> DEFAULT_CHECKS = List.of("no-lost-writes", "no-stale-reads");
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:/s)?");

    private WorkloadBlock() {
    }

    static Optional<WorkloadSpec> read(YamlMap top) {
        Optional<YamlMap> block = top.map("workload");
        if (block.isEmpty()) {
            return Optional.empty();
        }
        YamlMap w = block.get();
        WorkloadSpec d = WorkloadSpec.DEFAULT;
        int clients = w.integer("clients", 1, 64).orElse(d.clients());
        int keys = w.integer("keys", 1, 1000).orElse(d.keys());
        double rate = d.rate();
        Optional<String> r = w.string("rate");
        if (r.isPresent()) {
            Matcher m = RATE.matcher(r.get().trim());
            if (!m.matches() || Double.parseDouble(m.group(1)) <= 0 || Double.parseDouble(m.group(1)) > 20000) {
                w.problems().error(w.valuePos("rate"), "rate takes operations per second in all clients, like "
                        + "200/s (at most 20000/s); got \"" + r.get() + "\"");
            } else {
                rate = Double.parseDouble(m.group(1));
            }
        }
        int read = d.read();
        int write = d.write();
        int cas = d.cas();
        Optional<YamlMap> mix = w.map("mix");
        if (mix.isPresent()) {
            YamlMap x = mix.get();
            read = x.integer("read", 0, 100).orElse(0);
            write = x.integer("write", 0, 100).orElse(0);
            cas = x.integer("cas", 0, 100).orElse(0);
            x.finish();
            if (read + write + cas == 0) {
                x.problems().error(w.valuePos("mix"), "mix needs a weight above 0 for at least one of read, write, "
                        + "cas");
            } else if (write + cas == 0) {
                x.problems().error(w.valuePos("mix"), "a mix of reads only writes nothing to check");
            }
        }
        boolean serializable = w.string("reads").map(x -> {
            if (!x.equals("linearizable") && !x.equals("serializable")) {
                w.problems().error(w.valuePos("reads"), "reads: takes linearizable (through the leader's read index, "
                        + "the default) or serializable (from the answering member's own state: may be stale)");
            }
            return x.equals("serializable");
        }).orElse(false);
        int perMember = w.integer("clients-per-member", 1, 16).orElse(0);
        if (perMember > 0 && w.has("clients")) {
            w.problems().error(w.keyPos("clients-per-member"), "give clients: (spread over every member) or "
                    + "clients-per-member: (pinned to each member), not both");
        }
        int watchers = 0;
        Optional<YamlMap> watch = w.map("watch");
        if (watch.isPresent()) {
            YamlMap x = watch.get();
            watchers = x.integer("clients", 1, 16).orElse(WorkloadSpec.EACH_MEMBER);
            x.string("keys").filter(k -> !k.equals("prefix")).ifPresent(k -> x.problems().error(x.valuePos("keys"),
                    "watch keys: takes prefix (every key of the workload, " + lab.history.Workload.PREFIX + "*); got \""
                    + k + "\""));
            x.finish();
        }
        w.finish();
        return Optional.of(new WorkloadSpec(clients, rate, keys, read, write, cas, serializable, perMember,
                watchers));
    }

    /**
     * {@code expect-fail: [no-stale-reads]}: checks the scenario expects to find an anomaly, for scenarios that show
     * one (serializable reads in a minority). They run whether or not {@code checks:} names them.
     */
    static List<String> expectFail(YamlMap top, boolean hasWorkload, String file) {
        if (!top.has("expect-fail")) {
            return List.of();
        }
        List<String> out = names(top, "expect-fail", file, CHECKS, "check");
        if (!hasWorkload) {
            top.problems().error(top.keyPos("expect-fail"), "expect-fail: names checks of a workload's history: add "
                    + "a workload: block");
        }
        return out;
    }

    static List<String> checks(YamlMap top, boolean hasWorkload, String file) {
        Problems problems = top.problems();
        if (!top.has("checks")) {
            return hasWorkload ? DEFAULT_CHECKS : List.of();
        }
        List<String> out = names(top, "checks", file, CHECKS, "check");
        if (!hasWorkload && top.has("checks")) {
            problems.error(top.keyPos("checks"), "checks: judge the history a workload records: add a workload: "
                    + "block, like workload: {clients: 4, rate: 100/s, keys: 8}");
        }
        return out;
    }

    /**
     * The names listed under key, each known one once; an unknown one is an error at its position with the nearest
     * known name (checks here, a nemesis's faults).
     */
    static List<String> names(YamlMap top, String key, String file, List<String> known, String noun) {
        List<String> out = new ArrayList<>();
        for (Node n : top.list(key)) {
            String c = n instanceof ScalarNode s ? s.getValue() : "";
            if (!known.contains(c)) {
                top.problems().error(YamlText.pos(file, n), "unknown " + noun + " \"" + c + "\"" + Suggest.closest(c,
                        known).map(s -> "; did you mean \"" + s + "\"?").orElse("; " + noun + "s are "
                        + String.join(", ", known)));
            } else if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }
}
