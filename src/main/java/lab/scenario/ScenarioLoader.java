package lab.scenario;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lab.spec.BadInputException;
import lab.spec.Durations;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;
import lab.spec.Overrides;
import lab.spec.Pos;
import lab.spec.Problems;
import lab.spec.SpecLoader;
import lab.spec.Suggest;
import lab.spec.YamlMap;
import lab.spec.YamlText;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads and checks a scenario file before anything starts: unknown steps, selectors and expectations, bad
 * durations, {@code $names} used before an {@code as:} binds them, steps the provider cannot do, and the
 * {@code lab:} block as a spec. Every problem is reported with file:line:col (README "Scenarios").
 */
public final class ScenarioLoader {
    static final Set<String> NODE_FAULTS = Set.of("kill", "stop", "start", "restart", "wipe", "pause", "resume",
            "isolate", "remove-member", "promote", "replace-member", "force-new-cluster");
    static final Set<String> ACTIONS = Set.of("kill", "stop", "start", "restart", "wipe", "pause", "resume",
            "isolate", "partition", "block", "delay", "heal", "add-member", "remove-member", "promote",
            "replace-member", "put", "get", "delete", "exec", "sleep", "rolling", "pause-for-demo", "expect",
            "fleet-start", "fleet-stop", "fleet-destroy", "nemesis", "snapshot", "restore", "force-new-cluster",
            "compact", "defrag", "alarm-disarm", "fill");
    static final Set<String> EXPECTATIONS = Set.of("quorum", "leader", "members", "healthy", "learners", "key",
            "prefix", "converged", "writable", "within", "units", "units-apart", "global-unit", "units-on-live-machines",
            "units-not-on", "alarm", "revision-at-least", "db-size-under");

    private ScenarioLoader() {
    }

    public static Scenario load(Path file, String display, Overrides overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new BadInputException(display + ": cannot read: " + e.getMessage());
        }
        return parse(display, text, overrides);
    }

    public static Scenario parse(String file, String text, Overrides overrides) {
        Problems problems = new Problems();
        Optional<Node> root = YamlText.parse(file, text, problems);
        problems.throwIfErrors();
        YamlMap top = YamlMap.of(file, "the scenario", root.orElse(null), problems);
        String fallbackName = Path.of(file).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = top.string("name", fallbackName);
        // a scenario's name becomes a directory under .lab/runs/ and a JUnit file name: no path in it
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            problems.error(top.has("name") ? top.valuePos("name") : Pos.start(file), "scenario name \"" + name
                    + "\" must be 1-64 letters, digits, '.', '_' or '-' (it names the run's directory and report files)"
                    + (top.has("name") ? "" : "; give it a name: in the file"));
        }
        String description = top.string("description", "");
        boolean existing = top.string("use").map(u -> {
            if (!u.equals("existing")) {
                problems.error(top.valuePos("use"), "use: takes only \"existing\" (run on a lab that is already up)");
            }
            return true;
        }).orElse(false);
        LabSpec lab = null;
        if (!existing) {
            Problems specProblems = new Problems();
            try {
                Overrides o = new Overrides(overrides.name() != null ? overrides.name() : labName(fallbackName),
                        overrides.members(), overrides.provider(), overrides.profile(), overrides.bootstrap(),
                        overrides.subnet());
                lab = SpecLoader.parse(file, top.node("lab").orElse(null), "lab", o, specProblems).spec();
            } catch (BadInputException e) {
                // the spec's problems are in specProblems
            }
            problems.addAll(specProblems.list());
        } else if (top.has("lab")) {
            problems.error(top.keyPos("lab"), "use: existing runs on a lab that is up: drop the lab: block");
        }
        Set<String> names = new HashSet<>();
        if (lab != null) {
            lab.nodes().stream().map(NodeSpec::name).forEach(names::add);
        }
        StepReader reader = new StepReader(file, problems, names, existing);
        List<Step> steps = new ArrayList<>();
        for (Node item : top.list("steps")) {
            reader.read(item).ifPresent(steps::add);
        }
        if (top.has("nemesis")) {
            // a top-level nemesis: runs after the steps (which may be none), as a step of its own
            Nemesis.Spec spec = Nemesis.read(YamlMap.of(file, "nemesis", top.node("nemesis").orElse(null), problems),
                    file);
            steps.add(new Step("nemesis", Map.of("spec", spec), null, Duration.ZERO, top.keyPos("nemesis"),
                    "nemesis: " + spec.text()));
        }
        if (steps.isEmpty() && !problems.hasErrors()) {
            problems.error(top.keyPos("steps"), "a scenario needs steps:, a list of actions and expectations (or a "
                    + "nemesis:)");
        }
        boolean heal = top.string("finally").map(f -> {
            if (!f.equals("heal") && !f.equals("none")) {
                problems.error(top.valuePos("finally"), "finally: takes heal or none");
            }
            return f.equals("heal");
        }).orElse(true);
        String keep = top.string("keep").map(k -> {
            if (!Set.of("always", "never", "on-failure").contains(k)) {
                problems.error(top.valuePos("keep"), "keep: takes always, never or on-failure");
            }
            return k;
        }).orElse("never");
        lab.history.WorkloadSpec workload = WorkloadBlock.read(top).orElse(null);
        List<String> checks = new ArrayList<>(WorkloadBlock.checks(top, workload != null, file));
        List<String> expectFail = WorkloadBlock.expectFail(top, workload != null, file);
        expectFail.stream().filter(c -> !checks.contains(c)).forEach(checks::add);
        // watchers are there to be checked: a watch: block runs the watch check whether or not checks: names it
        if (workload != null && workload.watchers() != 0 && !checks.contains("watch")) {
            checks.add("watch");
        } else if (checks.contains("watch") && workload != null && workload.watchers() == 0) {
            top.problems().error(top.keyPos("checks"), "the watch check judges a workload's watchers: add "
                    + "watch: {keys: prefix, clients: 3} to the workload");
        }
        top.finish();
        problems.throwIfErrors();
        return new Scenario(name, description, file, lab, existing, steps, heal, keep, workload, checks, expectFail);
    }

    /** The lab a scenario gets: run-<file name>, made a valid lab name (lowercase, '-', at most 32). */
    static String labName(String file) {
        String n = ("run-" + file.toLowerCase(java.util.Locale.ROOT)).replaceAll("[^a-z0-9-]+", "-");
        n = n.length() > 32 ? n.substring(0, 32) : n;
        return n.replaceAll("-+$", "");
    }

    /** Reads steps in order, so that a $name is only valid after the step that binds it. */
    static final class StepReader {
        private final String file;
        private final Problems problems;
        private final Set<String> nodeNames;
        private final boolean anyName;
        private final Set<String> bound = new HashSet<>();

        StepReader(String file, Problems problems, Set<String> nodeNames, boolean anyName) {
            this.file = file;
            this.problems = problems;
            this.nodeNames = nodeNames;
            this.anyName = anyName;
        }

        Optional<Step> read(Node item) {
            Pos pos = YamlText.pos(file, item);
            if (!(item instanceof MappingNode m)) {
                problems.error(pos, "a step is a mapping like \"kill: leader\" or \"expect: {quorum: true}\"");
                return Optional.empty();
            }
            String action = null;
            Node value = null;
            String as = null;
            Pos actionPos = pos;
            boolean unknown = false;
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
                Pos kp = YamlText.pos(file, t.getKeyNode());
                if (key.equals("as")) {
                    as = t.getValueNode() instanceof ScalarNode s ? s.getValue() : null;
                    if (as == null || !as.matches("[a-z][a-z0-9_-]*")) {
                        problems.error(kp, "as: takes a name like old-leader (lowercase letters, digits, '-', '_')");
                    }
                } else if (key.equals("why")) {
                    continue;
                } else if (!ACTIONS.contains(key)) {
                    unknown = true;
                    problems.error(kp, "unknown step \"" + key + "\"" + Suggest.closest(key, ACTIONS)
                            .map(s -> "; did you mean \"" + s + "\"?").orElse("; steps are: "
                                    + String.join(", ", new java.util.TreeSet<>(ACTIONS))));
                } else if (action != null) {
                    problems.error(kp, "one action per step: \"" + action + "\" and \"" + key + "\" are both here");
                } else {
                    action = key;
                    value = t.getValueNode();
                    actionPos = kp;
                }
            }
            if (action == null) {
                if (!unknown) {
                    problems.error(pos, "this step has no action");
                }
                return Optional.empty();
            }
            Map<String, Object> args = new LinkedHashMap<>();
            Duration within = Duration.ZERO;
            StepArgs a = new StepArgs(file, problems, this);
            switch (action) {
                case "expect" -> within = a.expectation(value, args);
                default -> a.action(action, value, actionPos, args);
            }
            if (as != null) {
                bound.add(as);
            }
            String text = action.equals("nemesis") ? "nemesis: " + ((Nemesis.Spec) args.get("spec")).text()
                    : action + (value instanceof ScalarNode s && !s.getValue().isEmpty() ? ": " + s.getValue()
                    : args.isEmpty() ? "" : " " + show(args));
            return Optional.of(new Step(action, args, as, within, actionPos, text));
        }

        /** Arguments as a person wrote them: {key: /demo, value: hello}. */
        static String show(Object o) {
            if (o instanceof Map<?, ?> m) {
                List<String> parts = new ArrayList<>();
                m.forEach((k, v) -> parts.add(k + ": " + show(v)));
                return "{" + String.join(", ", parts) + "}";
            }
            if (o instanceof java.time.Duration d) {
                return Durations.format(d).replace(" ", "");
            }
            return String.valueOf(o);
        }

        /** Checks a selector where it stands; returns it unchanged. */
        String selector(String s, Pos pos) {
            if (s.startsWith("$")) {
                if (!bound.contains(s.substring(1))) {
                    problems.error(pos, s + " is not bound: an earlier step must say as: " + s.substring(1));
                }
            } else if (s.startsWith("unit:")) {
                if (lab.fleet.UnitName.problem(s.substring(5)).isPresent()) {
                    problems.error(pos, "unit: selects the node that runs a fleet unit, like unit:hello@1.service");
                }
            } else if (!Selector.WORDS.contains(s)) {
                if (!Selector.wellFormed(s)) {
                    problems.error(pos, "unknown selector \"" + s + "\"; use a node name, $name, or one of "
                            + String.join(", ", new java.util.TreeSet<>(Selector.WORDS)));
                } else if (!anyName && !nodeNames.contains(s)) {
                    problems.error(pos, "unknown selector \"" + s + "\": no such node in this lab ("
                            + String.join(", ", new java.util.TreeSet<>(nodeNames)) + "), and not one of "
                            + String.join(", ", new java.util.TreeSet<>(Selector.WORDS)));
                }
            }
            return s;
        }

        void addNode(String name) {
            nodeNames.add(name);
        }

        private final Set<String> snapshots = new HashSet<>();

        /** A snapshot step's name, which a later restore step may name. */
        void snapshot(String name) {
            snapshots.add(name);
        }

        boolean hasSnapshot(String name) {
            return snapshots.contains(name);
        }

        static List<Node> items(Node n) {
            return n instanceof SequenceNode s ? s.getValue() : List.of(n);
        }
    }
}
