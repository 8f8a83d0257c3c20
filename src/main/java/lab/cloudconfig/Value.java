package lab.cloudconfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node of the parsed user-data as coreos-cloudinit's validator sees it: a name ({@code key}, or
 * {@code key[i]} for list items, with '-' already turned into '_'), the line it stands on, a Go kind and, for
 * scalars, the value.
 */
final class Value {
    final String name;
    final int line;
    Kind kind;
    /** String, Long, Double or Boolean for scalars; null otherwise. */
    Object scalar;
    /** The scalar as written (or as decoded from !!binary): what a string field receives. */
    final String literal;
    final List<Value> children = new ArrayList<>();
    /** The key as the file writes it (before '-' became '_'); the name for list items and the root. */
    String written;

    Value(String name, int line, Kind kind, Object scalar, String literal) {
        this.name = name;
        this.line = line;
        this.kind = kind;
        this.scalar = scalar;
        this.literal = literal;
        this.written = name;
    }

    static Value invalid(String name, int line) {
        return new Value(name, line, Kind.INVALID, null, null);
    }

    Optional<Value> child(String key) {
        return children.stream().filter(c -> c.name.equals(key)).findFirst();
    }

    /** The children of a child, or nothing: upstream's {@code cfg.Child("a").children}. */
    List<Value> childrenOf(String key) {
        return child(key).map(c -> c.children).orElse(List.of());
    }

    /** Go's {@code fmt.Sprintf("%v", value)}. */
    String text() {
        if (scalar instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString(d.longValue()) : d.toString();
        }
        return String.valueOf(scalar);
    }

    boolean isZero() {
        return scalar == null || "".equals(scalar) || Long.valueOf(0).equals(scalar) || Double.valueOf(0).equals(scalar)
                || Boolean.FALSE.equals(scalar);
    }
}
