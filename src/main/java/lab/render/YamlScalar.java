package lab.render;

import java.util.regex.Pattern;

/** Writes a string as a YAML scalar: plain when every YAML 1.1 reader sees the same string, double-quoted otherwise. */
final class YamlScalar {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./$][A-Za-z0-9_./$:,=+@-]*");
    /** Words YAML 1.1 readers (coreos-cloudinit's among them) turn into booleans, nulls or numbers. */
    private static final Pattern AMBIGUOUS = Pattern.compile(
            "(?i)y|n|yes|no|true|false|on|off|null|~|[-+]?[0-9][0-9_.:]*|[-+]?\\.(inf|nan)|0x[0-9a-f]+");

    private YamlScalar() {
    }

    static String of(String s) {
        if (PLAIN.matcher(s).matches() && !AMBIGUOUS.matcher(s).matches() && !s.endsWith(":")) {
            return s;
        }
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
