package lab.cloudconfig;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One field of coreos-cloudinit's CloudConfig structure.
 *
 * @param elem the element of a slice field
 * @param valid the value a non-zero field must match, or null
 * @param deprecated why the key is deprecated, or null
 */
record Field(String name, Kind kind, Field elem, List<Field> fields, Pattern valid, String deprecated) {

    static Field leaf(String name, Kind kind) {
        return new Field(name, kind, null, List.of(), null, null);
    }

    static Field struct(String name, List<Field> fields) {
        return new Field(name, Kind.STRUCT, null, fields, null, null);
    }

    static Field slice(String name, Field elem) {
        return new Field(name, Kind.SLICE, elem, List.of(), null, null);
    }

    Field valid(String regex) {
        return new Field(name, kind, elem, fields, Pattern.compile(regex), deprecated);
    }

    Field deprecated(String why) {
        return new Field(name, kind, elem, fields, valid, why);
    }

    Optional<Field> child(String key) {
        return fields.stream().filter(f -> f.name.equals(key)).findFirst();
    }

    /** Go's type names: string, int, bool, float64, struct, []string, []struct. */
    String humanType() {
        return kind == Kind.SLICE ? "[]" + elem.humanType() : kind.goName();
    }
}
