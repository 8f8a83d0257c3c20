package lab.spec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Typed, position-aware reading of one YAML mapping. Every getter records the key as known; {@link #finish()}
 * then reports each key nobody asked for as unknown, with a suggestion when it looks like a known one. Wrong
 * types are reported, not thrown, so one pass finds every problem.
 */
public final class YamlMap {
    private final String file;
    private final String where;
    private final Problems problems;
    private final Pos pos;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();
    private final Set<String> known = new LinkedHashSet<>();

    private YamlMap(String file, String where, Node node, Problems problems) {
        this.file = file;
        this.where = where;
        this.problems = problems;
        this.pos = node == null ? Pos.start(file) : YamlText.pos(file, node);
        if (node instanceof MappingNode mapping) {
            for (NodeTuple t : mapping.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : null;
                if (key == null) {
                    problems.error(YamlText.pos(file, t.getKeyNode()), "keys must be plain words in " + where);
                } else if (entries.containsKey(key)) {
                    Pos first = YamlText.pos(file, entries.get(key).getKeyNode());
                    problems.error(YamlText.pos(file, t.getKeyNode()),
                            "duplicate key \"" + key + "\" in " + where + " (first at line " + first.line() + ")");
                } else {
                    entries.put(key, t);
                }
            }
        }
    }

    /** Reads {@code node} as a mapping; a node of another kind is reported and read as an empty mapping. */
    public static YamlMap of(String file, String where, Node node, Problems problems) {
        if (node != null && !(node instanceof MappingNode) && !isNull(node)) {
            problems.error(YamlText.pos(file, node), where + " must be a mapping (key: value lines), got " + kind(node));
        }
        return new YamlMap(file, where, node, problems);
    }

    public String file() {
        return file;
    }

    public Problems problems() {
        return problems;
    }

    public Pos pos() {
        return pos;
    }

    public boolean has(String key) {
        known.add(key);
        return entries.containsKey(key) && !isNull(entries.get(key).getValueNode());
    }

    /** The raw value node, when present and not null. */
    public Optional<Node> node(String key) {
        known.add(key);
        NodeTuple t = entries.get(key);
        return t == null || isNull(t.getValueNode()) ? Optional.empty() : Optional.of(t.getValueNode());
    }

    /** Where the key itself stands, or where the mapping starts when it is absent. */
    public Pos keyPos(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? pos : YamlText.pos(file, t.getKeyNode());
    }

    public Pos valuePos(String key) {
        NodeTuple t = entries.get(key);
        return t == null ? pos : YamlText.pos(file, t.getValueNode());
    }

    public Optional<String> string(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof ScalarNode s) {
                return Optional.of(s.getValue());
            }
            problems.error(YamlText.pos(file, n), "\"" + key + "\" must be a single value, got " + kind(n));
            return Optional.empty();
        });
    }

    public String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /** An integer in [min, max]; anything else is reported with the accepted range. */
    public Optional<Integer> integer(String key, int min, int max) {
        return node(key).flatMap(n -> {
            if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
                try {
                    long v = Long.decode(s.getValue().replace("_", ""));
                    if (v >= min && v <= max) {
                        return Optional.of((int) v);
                    }
                } catch (NumberFormatException e) {
                    // falls through to the range message
                }
                problems.error(YamlText.pos(file, n),
                        "\"" + key + "\" must be between " + min + " and " + max + ", got " + s.getValue());
                return Optional.empty();
            }
            problems.error(YamlText.pos(file, n), "\"" + key + "\" must be a whole number, got " + kind(n));
            return Optional.empty();
        });
    }

    public Optional<Boolean> bool(String key) {
        return node(key).flatMap(n -> {
            if (n instanceof ScalarNode s && s.getTag().equals(Tag.BOOL)) {
                return Optional.of(Set.of("true", "yes", "on").contains(s.getValue().toLowerCase(java.util.Locale.ROOT)));
            }
            problems.error(YamlText.pos(file, n), "\"" + key + "\" must be true or false, got " + kind(n));
            return Optional.empty();
        });
    }

    public Optional<YamlMap> map(String key) {
        return node(key).map(n -> of(file, where.startsWith("the ") ? key : where + "." + key, n, problems));
    }

    /** The items of a sequence; a single scalar is reported, not silently wrapped. */
    public List<Node> list(String key) {
        Optional<Node> n = node(key);
        if (n.isEmpty()) {
            return List.of();
        }
        if (n.get() instanceof SequenceNode seq) {
            return new ArrayList<>(seq.getValue());
        }
        problems.error(YamlText.pos(file, n.get()), "\"" + key + "\" must be a list (lines starting with \"- \"), got "
                + kind(n.get()));
        return List.of();
    }

    /** Every entry with a scalar value (null for a null value), in order; marks them all known. */
    public java.util.Map<String, Object> scalars() {
        java.util.Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            known.add(e.getKey());
            Node v = e.getValue().getValueNode();
            if (isNull(v)) {
                out.put(e.getKey(), null);
            } else if (v instanceof ScalarNode s) {
                out.put(e.getKey(), s.getValue());
            } else {
                problems.error(YamlText.pos(file, v), "\"" + e.getKey() + "\" takes a single value, got " + kind(v));
            }
        }
        return out;
    }

    /** Reports every key that no getter asked for. Call once, after reading. */
    public void finish() {
        for (Map.Entry<String, NodeTuple> e : entries.entrySet()) {
            if (!known.contains(e.getKey())) {
                String hint = Suggest.closest(e.getKey(), known)
                        .map(s -> "; did you mean \"" + s + "\"?")
                        .orElse("; known keys: " + String.join(", ", known));
                problems.error(YamlText.pos(file, e.getValue().getKeyNode()),
                        "unknown key \"" + e.getKey() + "\" in " + where + hint);
            }
        }
    }

    public static boolean isNull(Node n) {
        return n == null || n.getTag().equals(Tag.NULL);
    }

    /** A short human description of what a node is, for type errors. */
    public static String kind(Node n) {
        if (n instanceof MappingNode) {
            return "a mapping";
        }
        if (n instanceof SequenceNode) {
            return "a list";
        }
        if (n instanceof ScalarNode s) {
            return "\"" + s.getValue() + "\"";
        }
        return "nothing";
    }
}
