package lab.scenario;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.spec.Durations;
import lab.spec.Pos;
import lab.spec.Problems;
import lab.spec.YamlMap;
import lab.spec.YamlText;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** The arguments of each kind of step, checked where they stand. */
final class StepArgs {
    private final String file;
    private final Problems problems;
    private final ScenarioLoader.StepReader steps;

    StepArgs(String file, Problems problems, ScenarioLoader.StepReader steps) {
        this.file = file;
        this.problems = problems;
        this.steps = steps;
    }

    void action(String action, Node value, Pos pos, Map<String, Object> args) {
        if (ScenarioLoader.NODE_FAULTS.contains(action)) {
            args.put("target", selector(value, pos));
            return;
        }
        switch (action) {
            case "heal", "compact", "defrag", "alarm-disarm" -> { }
            case "snapshot" -> {
                // snapshot: NAME, or {name: NAME, from: SELECTOR}; restore: NAME names it again
                if (value instanceof MappingNode) {
                    YamlMap m = YamlMap.of(file, "snapshot", value, problems);
                    args.put("name", m.string("name", "snapshot"));
                    m.node("from").ifPresent(n -> args.put("from", selector(n, m.valuePos("from"))));
                    m.finish();
                } else {
                    args.put("name", value instanceof ScalarNode s && !YamlMap.isNull(s) ? s.getValue() : "snapshot");
                }
                if (!String.valueOf(args.get("name")).matches("[A-Za-z0-9_.-]{1,64}")) {
                    problems.error(pos, "a snapshot's name is letters, digits, '.', '_' and '-', like before-wipe");
                }
                steps.snapshot((String) args.get("name"));
            }
            case "restore" -> {
                String name = value instanceof ScalarNode s && !YamlMap.isNull(s) ? s.getValue() : "";
                if (name.isEmpty()) {
                    problems.error(pos, "restore: names a snapshot taken earlier in the scenario (snapshot: NAME) or "
                            + "a snapshot file next to it");
                } else if (!steps.hasSnapshot(name) && !java.nio.file.Files.isRegularFile(Path.of(file)
                        .toAbsolutePath().getParent().resolve(name))) {
                    problems.error(pos, "no snapshot \"" + name + "\" is taken before this step, and there is no "
                            + "file " + name + " next to the scenario");
                }
                args.put("name", name);
                args.put("dir", Path.of(file).toAbsolutePath().getParent().toString());
            }
            case "fill" -> {
                YamlMap m = YamlMap.of(file, "fill", value, problems);
                long bytes = m.string("bytes").map(lab.spec.EtcdSettings::bytes).orElse(-1L);
                if (bytes <= 0 || bytes > (1L << 30)) {
                    problems.error(m.pos(), "fill: takes bytes: up to 1GiB, like {bytes: 24MiB}: it overwrites one "
                            + "key with 512 KiB values until that much was written or etcd refuses (NOSPACE)");
                }
                args.put("bytes", bytes);
                m.finish();
            }
            case "nemesis" -> args.put("spec", Nemesis.read(YamlMap.of(file, "nemesis", value, problems), file));
            case "fleet-start", "fleet-stop", "fleet-destroy" -> {
                List<String> units = new ArrayList<>();
                for (Node n : ScenarioLoader.StepReader.items(value)) {
                    String u = n instanceof ScalarNode s ? s.getValue() : "";
                    Path dir = Path.of(file).toAbsolutePath().getParent();
                    if (action.equals("fleet-start") && lab.fleet.UnitSource.find(dir, u).isEmpty()) {
                        problems.error(YamlText.pos(file, n), "no unit file " + u + " next to the scenario (nor a "
                                + "template for it)");
                    } else if (lab.fleet.UnitName.problem(Path.of(u).getFileName().toString()).isPresent()) {
                        problems.error(YamlText.pos(file, n), lab.fleet.UnitName.problem(Path.of(u).getFileName()
                                .toString()).get());
                    }
                    units.add(u);
                }
                args.put("units", units);
                args.put("dir", Path.of(file).toAbsolutePath().getParent().toString());
            }
            case "sleep" -> args.put("for", duration(value, pos, "sleep"));
            case "pause-for-demo" -> args.put("message", value instanceof ScalarNode s ? s.getValue() : "");
            case "partition" -> args.put("groups", groups(value, pos));
            case "block" -> {
                YamlMap m = YamlMap.of(file, "block", value, problems);
                args.put("from", selector(m.node("from").orElse(null), m.pos()));
                args.put("to", selector(m.node("to").orElse(null), m.pos()));
                m.finish();
            }
            case "delay" -> {
                YamlMap m = YamlMap.of(file, "delay", value, problems);
                args.put("target", selector(m.node("target").orElse(null), m.pos()));
                args.put("by", duration(m.node("by").orElse(null), m.pos(), "by"));
                args.put("jitter", m.node("jitter").map(n -> duration(n, m.pos(), "jitter")).orElse(Duration.ZERO));
                m.finish();
            }
            case "add-member" -> {
                if (value instanceof ScalarNode s && !YamlMap.isNull(s)) {
                    args.put("name", s.getValue());
                } else if (value instanceof MappingNode) {
                    YamlMap m = YamlMap.of(file, "add-member", value, problems);
                    m.string("name").ifPresent(n -> args.put("name", n));
                    args.put("learner", m.bool("learner").orElse(false));
                    m.finish();
                }
                if (args.get("name") != null) {
                    steps.addNode((String) args.get("name"));
                }
            }
            case "put", "get", "delete" -> {
                if (value instanceof ScalarNode s && action.equals("delete")) {
                    args.put("key", s.getValue());
                    return;
                }
                YamlMap m = YamlMap.of(file, action, value, problems);
                args.put("key", m.string("key").orElseGet(() -> {
                    problems.error(m.pos(), action + " needs a key:");
                    return "";
                }));
                if (action.equals("put")) {
                    args.put("value", m.string("value", ""));
                }
                m.finish();
            }
            case "exec" -> {
                YamlMap m = YamlMap.of(file, "exec", value, problems);
                args.put("on", selector(m.node("on").orElse(null), m.pos()));
                args.put("command", m.string("command").orElseGet(() -> {
                    problems.error(m.pos(), "exec needs a command:");
                    return "true";
                }));
                m.finish();
            }
            case "rolling" -> {
                YamlMap m = YamlMap.of(file, "rolling", value, problems);
                String what = m.string("action", "restart");
                if (!Set.of("restart", "replace").contains(what)) {
                    problems.error(m.valuePos("action"), "rolling action: takes restart or replace");
                }
                args.put("action", what);
                args.put("targets", m.node("targets").map(n -> selector(n, m.pos())).orElse("all"));
                args.put("min-in-service", m.integer("min-in-service", 0, 99).orElse(0));
                args.put("pause", m.node("pause").map(n -> duration(n, m.pos(), "pause")).orElse(Duration.ZERO));
                m.finish();
            }
            default -> throw new IllegalStateException(action);
        }
    }

    /** Reads an expectation; returns its within: (zero when absent). */
    Duration expectation(Node value, Map<String, Object> args) {
        YamlMap m = YamlMap.of(file, "expect", value, problems);
        Duration within = m.node("within").map(n -> duration(n, m.pos(), "within")).orElse(Duration.ZERO);
        m.bool("quorum").ifPresent(b -> args.put("quorum", b));
        m.string("leader").ifPresent(l -> {
            if (!Set.of("any", "none", "changed").contains(l)) {
                selector(m.node("leader").orElseThrow(), m.valuePos("leader"));
            }
            args.put("leader", l);
        });
        m.node("members").ifPresent(n -> {
            if (n instanceof SequenceNode s) {
                List<String> names = new ArrayList<>();
                s.getValue().forEach(x -> names.add(((ScalarNode) x).getValue()));
                args.put("members", names);
            } else {
                m.integer("members", 0, 99).ifPresent(c -> args.put("members", c));
            }
        });
        m.integer("healthy", 0, 99).ifPresent(c -> args.put("healthy", c));
        m.integer("learners", 0, 99).ifPresent(c -> args.put("learners", c));
        m.map("key").ifPresent(k -> args.put("key", pairs(k)));
        m.map("prefix").ifPresent(k -> {
            Map<String, Object> counts = new LinkedHashMap<>();
            pairs(k).forEach((p, c) -> {
                try {
                    counts.put(p, Integer.parseInt(String.valueOf(c)));
                } catch (NumberFormatException e) {
                    problems.error(k.pos(), "prefix counts are numbers, like prefix: {/app/: 3}");
                }
            });
            args.put("prefix", counts);
        });
        m.bool("converged").ifPresent(b -> args.put("converged", b));
        m.map("units").ifPresent(u -> args.put("units", pairs(u)));
        m.node("units-apart").ifPresent(n -> {
            List<String> names = new ArrayList<>();
            ScenarioLoader.StepReader.items(n).forEach(x -> names.add(x instanceof ScalarNode s ? s.getValue() : ""));
            args.put("units-apart", names);
        });
        m.string("global-unit").ifPresent(g -> args.put("global-unit", g));
        m.bool("units-on-live-machines").ifPresent(b -> args.put("units-on-live-machines", b));
        m.node("units-not-on").ifPresent(n -> args.put("units-not-on", selector(n, m.valuePos("units-not-on"))));
        m.bool("writable").ifPresent(b -> args.put("writable", b));
        m.string("alarm").ifPresent(x -> {
            if (!Set.of("nospace", "none").contains(x)) {
                problems.error(m.valuePos("alarm"), "alarm: takes nospace (the space quota's alarm is raised) or none");
            }
            args.put("alarm", x);
        });
        m.integer("revision-at-least", 0, Integer.MAX_VALUE).ifPresent(r -> args.put("revision-at-least", r));
        m.string("db-size-under").ifPresent(x -> {
            long b = lab.spec.EtcdSettings.bytes(x);
            if (b <= 0) {
                problems.error(m.valuePos("db-size-under"), "db-size-under: takes a size, like 4MiB; got \"" + x + "\"");
            }
            args.put("db-size-under", x);
        });
        boolean unknown = false;
        if (value instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                String key = ((ScalarNode) t.getKeyNode()).getValue();
                if (!ScenarioLoader.EXPECTATIONS.contains(key)) {
                    unknown = true;
                    problems.error(YamlText.pos(file, t.getKeyNode()), "unknown expectation \"" + key + "\""
                            + lab.spec.Suggest.closest(key, ScenarioLoader.EXPECTATIONS)
                            .map(s -> "; did you mean \"" + s + "\"?")
                            .orElse("; expectations are: " + String.join(", ",
                                    new java.util.TreeSet<>(ScenarioLoader.EXPECTATIONS))));
                }
            }
        }
        if (args.isEmpty() && !unknown) {
            problems.error(m.pos(), "expect: needs at least one expectation, like {quorum: true}");
        }
        return within;
    }

    /** A mapping of keys to scalar values ({@code /demo: hello}; null for "absent"). */
    private Map<String, Object> pairs(YamlMap m) {
        return m.scalars();
    }

    private List<List<String>> groups(Node value, Pos pos) {
        List<List<String>> out = new ArrayList<>();
        if (!(value instanceof SequenceNode s) || s.getValue().size() < 2) {
            problems.error(pos, "partition: takes two or more groups, like [[leader, follower], rest]");
            return out;
        }
        for (Node g : s.getValue()) {
            List<String> group = new ArrayList<>();
            for (Node x : ScenarioLoader.StepReader.items(g)) {
                String sel = x instanceof ScalarNode sc ? sc.getValue() : "";
                group.add(sel.equals("rest") ? sel : selector(x, YamlText.pos(file, x)));
            }
            out.add(group);
        }
        return out;
    }

    private String selector(Node n, Pos pos) {
        if (!(n instanceof ScalarNode s) || YamlMap.isNull(n)) {
            problems.error(n == null ? pos : YamlText.pos(file, n), "expected a selector (a node name, $name, "
                    + "leader, follower, followers, minority, majority, random or all)");
            return "";
        }
        return steps.selector(s.getValue(), YamlText.pos(file, n));
    }

    private Duration duration(Node n, Pos pos, String what) {
        String text = n instanceof ScalarNode s ? s.getValue() : "";
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            problems.error(YamlText.pos(file, n), what + " takes a duration with a unit, like 5s or 500ms, got "
                    + text);
            return Duration.ZERO;
        }
        return Durations.parse(text).orElseGet(() -> {
            problems.error(n == null ? pos : YamlText.pos(file, n), "bad duration \"" + text + "\" for " + what
                    + "; use a number and a unit, like 500ms, 5s or 2m");
            return Duration.ZERO;
        });
    }
}
