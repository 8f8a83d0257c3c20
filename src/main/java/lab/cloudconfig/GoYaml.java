package lab.cloudconfig;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns SnakeYAML's node graph into {@link Value}s typed the way go-yaml v1 (the YAML library inside
 * coreos-cloudinit) types untagged plain scalars: YAML 1.1 booleans including y/n/on/off, Go base-0 integers
 * (0744 is octal), floats, and nothing else; quoted scalars are strings; !!binary is decoded.
 */
final class GoYaml {
    private static final Set<String> TRUE = Set.of("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On",
            "ON");
    private static final Set<String> FALSE = Set.of("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off",
            "OFF");
    private static final Set<String> NULL = Set.of("", "~", "null", "Null", "NULL");
    private static final Pattern FLOAT = Pattern.compile("[-+]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][-+]?[0-9]+)?");
    private static final Pattern SPECIAL_FLOAT = Pattern.compile("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");

    private GoYaml() {
    }

    static Value convert(String name, Node node) {
        int line = node.getStartMark().getLine() + 1;
        if (node instanceof MappingNode m) {
            Value v = new Value(name, line, Kind.MAP, null, null);
            for (NodeTuple t : m.getValue()) {
                String key = t.getKeyNode() instanceof ScalarNode k ? k.getValue() : "";
                Value child = withLine(convert(key.replace('-', '_'), t.getValueNode()),
                        t.getKeyNode().getStartMark().getLine() + 1);
                child.written = key;
                v.children.add(child);
            }
            return v;
        }
        if (node instanceof SequenceNode s) {
            Value v = new Value(name, line, Kind.SLICE, null, null);
            int i = 0;
            for (Node item : s.getValue()) {
                v.children.add(convert(name + "[" + i++ + "]", item));
            }
            return v;
        }
        ScalarNode s = (ScalarNode) node;
        if (s.getTag().equals(Tag.BINARY)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(s.getValue().replaceAll("\\s", "")),
                        StandardCharsets.ISO_8859_1);
            } catch (IllegalArgumentException e) {
                decoded = s.getValue();
            }
            return new Value(name, line, Kind.STRING, decoded, decoded);
        }
        if (s.getScalarStyle() != DumperOptions.ScalarStyle.PLAIN) {
            return new Value(name, line, Kind.STRING, s.getValue(), s.getValue());
        }
        return resolve(name, line, s.getValue());
    }

    private static Value withLine(Value v, int line) {
        Value out = new Value(v.name, line, v.kind, v.scalar, v.literal);
        out.children.addAll(v.children);
        return out;
    }

    private static Value resolve(String name, int line, String text) {
        if (NULL.contains(text)) {
            return new Value(name, line, Kind.INVALID, null, text);
        }
        if (TRUE.contains(text) || FALSE.contains(text)) {
            return new Value(name, line, Kind.BOOL, TRUE.contains(text), text);
        }
        char first = text.charAt(0);
        if (Character.isDigit(first) || first == '-' || first == '+' || first == '.') {
            String plain = text.replace("_", "");
            Long i = goInt(plain);
            if (i != null) {
                return new Value(name, line, Kind.INT, i, text);
            }
            if (FLOAT.matcher(plain).matches()) {
                return new Value(name, line, Kind.FLOAT64, Double.parseDouble(plain), text);
            }
            if (SPECIAL_FLOAT.matcher(text).matches()) {
                double d = text.toLowerCase().contains("nan") ? Double.NaN
                        : text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                return new Value(name, line, Kind.FLOAT64, d, text);
            }
        }
        return new Value(name, line, Kind.STRING, text, text);
    }

    /** Go's strconv.ParseInt(s, 0, 64): optional sign, then 0x, 0o, 0b or a leading 0 for octal. */
    private static Long goInt(String s) {
        String body = s;
        boolean negative = false;
        if (body.startsWith("+") || body.startsWith("-")) {
            negative = body.startsWith("-");
            body = body.substring(1);
        }
        int radix = 10;
        String lower = body.toLowerCase();
        if (lower.startsWith("0x")) {
            radix = 16;
            body = body.substring(2);
        } else if (lower.startsWith("0o")) {
            radix = 8;
            body = body.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            body = body.substring(2);
        } else if (body.length() > 1 && body.startsWith("0")) {
            radix = 8;
            body = body.substring(1);
        }
        if (body.isEmpty() || !body.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            return null;
        }
        try {
            long v = Long.parseLong(body, radix);
            return negative ? -v : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
