package lab.spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** fleet machine metadata, written as fleet does ({@code role=worker,instancetype=r3}) or as a YAML mapping. */
public final class Metadata {
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");
    private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9_.:/-]+");
    private static final String SHAPE = "expected key=value pairs separated by commas, like role=worker,instancetype=r3";

    private Metadata() {
    }

    public static Map<String, String> read(String file, Node node, Problems problems) {
        Map<String, String> out = new LinkedHashMap<>();
        Pos pos = YamlText.pos(file, node);
        if (node instanceof ScalarNode s) {
            if (s.getValue().isBlank()) {
                return out;
            }
            for (String pair : s.getValue().split(",", -1)) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    problems.error(pos, "bad metadata \"" + s.getValue() + "\": \"" + pair.trim() + "\" has no '='; "
                            + SHAPE);
                    continue;
                }
                add(out, pair.substring(0, eq).trim(), pair.substring(eq + 1).trim(), s.getValue(), pos, problems);
            }
        } else if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                String k = t.getKeyNode() instanceof ScalarNode ks ? ks.getValue() : "";
                String v = t.getValueNode() instanceof ScalarNode vs ? vs.getValue() : "";
                add(out, k, v, k + ": " + v, YamlText.pos(file, t.getKeyNode()), problems);
            }
        } else {
            problems.error(pos, "bad metadata: " + SHAPE);
        }
        return out;
    }

    private static void add(Map<String, String> out, String key, String value, String whole, Pos pos,
                            Problems problems) {
        if (!KEY.matcher(key).matches()) {
            problems.error(pos, "bad metadata \"" + whole + "\": key \"" + key + "\" must be letters, digits, '_', '.' "
                    + "or '-'; " + SHAPE);
        } else if (!VALUE.matcher(value).matches()) {
            problems.error(pos, "bad metadata \"" + whole + "\": value of \"" + key + "\" must be non-empty without "
                    + "spaces, ',' or '='; " + SHAPE);
        } else if (out.containsKey(key)) {
            problems.error(pos, "bad metadata \"" + whole + "\": key \"" + key + "\" given twice");
        } else {
            out.put(key, value);
        }
    }
}
