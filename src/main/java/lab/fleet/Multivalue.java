package lab.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * fleet's reading of an [X-Fleet] value: a value that starts and ends with a double quote is unquoted and split on
 * the spaces outside quotes ({@code "foo=bar" "foo=baz"} is two values); any other value is one string. The two quirks
 * fleet marks as TODO are kept: {@code "bar" "} gives [bar, ""] and {@code "foo\"bar"} gives [foo\bar].
 */
public final class Multivalue {
    private Multivalue() {
    }

    public static List<String> parse(String value) {
        List<String> out = new ArrayList<>();
        if (value.length() < 2 || !value.startsWith("\"") || !value.endsWith("\"")) {
            out.add(value);
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted; // quotes only group; they are never part of a value
            } else if (c == ' ' && !quoted) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
