package lab.cloudconfig;

/**
 * The second half of upstream's two-pass parse: where the schema says a key holds a string and the YAML value
 * is a compatible scalar, the value becomes the text as written. That is why {@code permissions: 0744} stays
 * "0744" (not 484) and {@code reboot-strategy: off} stays "off" (not false), while
 * {@code reboot-strategy: false} is the string "false" and fails the valid-value check.
 */
final class Coerce {
    private Coerce() {
    }

    static Value strong(Value root, Field schema) {
        apply(root, schema);
        return root;
    }

    private static void apply(Value v, Field g) {
        if (g == null) {
            return;
        }
        if (v.children.isEmpty() && v.kind != Kind.INVALID && Kind.compatible(v.kind, g.kind())) {
            if (g.kind() == Kind.STRING) {
                v.kind = Kind.STRING;
                v.scalar = v.literal;
            } else if (g.kind() == Kind.FLOAT64 && v.scalar instanceof Long l) {
                v.kind = Kind.FLOAT64;
                v.scalar = l.doubleValue();
            }
        }
        if (g.kind() == Kind.STRUCT && v.kind == Kind.MAP) {
            v.children.forEach(c -> apply(c, g.child(c.name).orElse(null)));
        } else if (g.kind() == Kind.SLICE && v.kind == Kind.SLICE) {
            v.children.forEach(c -> apply(c, g.elem()));
        }
    }
}
