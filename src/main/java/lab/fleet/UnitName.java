package lab.fleet;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A unit's name as fleet reads it: {@code prefix@instance.type}, templates {@code prefix@.type}, and the checks fleet
 * makes before it accepts a unit.
 *
 * @param prefix the part before the first {@code @} (or before the type when there is none)
 * @param template the template an instance comes from ({@code foo@.service}), or empty
 * @param instance what follows the first {@code @}, or empty
 */
public record UnitName(String name, String prefix, String template, String instance, boolean isInstance,
                       boolean isTemplate) {
    private static final Set<String> SUFFIXES = Set.of("automount", "busname", "device", "mount", "path", "scope",
            "service", "slice", "snapshot", "socket", "swap", "target", "timer");
    private static final Set<String> TEMPLATE_SUFFIXES = Set.of("path", "service", "socket", "target", "timer");
    /** What fleet can run: the types an agent hands to systemd. */
    private static final Set<String> RECOGNIZED = Set.of("service", "socket", "path", "timer", "mount", "automount",
            "device");
    private static final Pattern CHARS = Pattern.compile("[A-Za-z0-9:\\-_.\\\\@]*");
    public static final int MAX_LENGTH = 256;

    /** Name information; empty for a name without a dot. */
    public static Optional<UnitName> of(String name) {
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String base = name.substring(0, dot);
        String type = name.substring(dot);
        int at = base.indexOf('@');
        if (at < 0) {
            return Optional.of(new UnitName(name, base, "", "", false, false));
        }
        String prefix = base.substring(0, at);
        String instance = base.substring(at + 1);
        return Optional.of(new UnitName(name, prefix, prefix + "@" + type, instance, !instance.isEmpty(),
                instance.isEmpty()));
    }

    /** The name without its type: {@code foo@bar} for {@code foo@bar.service}. */
    public static String withoutType(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    public static boolean recognizedType(String name) {
        int dot = name.lastIndexOf('.');
        return dot >= 0 && RECOGNIZED.contains(name.substring(dot + 1));
    }

    /** fleet's DefaultUnitType: a name without a type is a service (and any name gets .service appended). */
    public static String withDefaultType(String name) {
        return name + ".service";
    }

    /** Why fleet would refuse this name, or empty when it is valid. */
    public static Optional<String> problem(String name) {
        if (name.isEmpty()) {
            return Optional.of("unit name is empty");
        }
        if (name.length() > MAX_LENGTH) {
            return Optional.of("unit name exceeds " + MAX_LENGTH + " characters");
        }
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.of("unit name " + name + " has no type (like .service)");
        }
        String suffix = name.substring(dot + 1);
        if (!SUFFIXES.contains(suffix)) {
            return Optional.of("invalid unit type \"" + suffix + "\" in " + name);
        }
        String base = name.substring(0, dot);
        if (base.contains("@") && !TEMPLATE_SUFFIXES.contains(suffix)) {
            return Optional.of(name + ": a ." + suffix + " unit cannot be a template or an instance");
        }
        if (!CHARS.matcher(base).matches()) {
            return Optional.of("unit name " + name + " has characters other than letters, digits and :-_.\\@");
        }
        if (base.startsWith("@")) {
            return Optional.of("unit name " + name + " starts with @");
        }
        return Optional.empty();
    }
}
