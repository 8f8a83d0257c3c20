package lab.fleet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A fleet unit: its name, its unit file, and what its [X-Fleet] section asks of the scheduler, read as fleet reads it
 * (multi-values, repeated keys concatenated in file order, %n %N %p %i expanded, the old X-Condition* names).
 *
 * @param requirements every [X-Fleet] key with its values, read once: the engine and the agents ask for them on
 *     every pass, for every machine
 */
public record FleetUnit(String name, UnitFile file, Map<String, List<String>> requirements) {
    public static final String SECTION = "X-Fleet";
    /** The keys fleet accepts in [X-Fleet]; case-sensitive. */
    public static final Set<String> KEYS = Set.of("MachineID", "X-ConditionMachineID", "X-ConditionMachineBootID",
            "X-ConditionMachineOf", "MachineOf", "X-Conflicts", "Conflicts", "X-ConditionMachineMetadata",
            "MachineMetadata", "Global", "Replaces");
    private static final Set<String> TRUTHY = Set.of("true", "yes", "1", "on", "t");

    public FleetUnit {
        requirements = Map.copyOf(requirements);
    }

    public FleetUnit(String name, UnitFile file) {
        this(name, file, requirements(name, file));
    }

    public static FleetUnit parse(String name, String text) {
        return new FleetUnit(name, UnitFile.parse(text));
    }

    /** Every [X-Fleet] key with its values, multi-values split, specifiers expanded; the file itself is unchanged. */
    private static Map<String, List<String>> requirements(String name, UnitFile file) {
        Map<String, String> specifiers = specifiers(name);
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (UnitFile.Option o : file.options()) {
            if (o.section().equals(SECTION)) {
                for (String v : Multivalue.parse(o.value())) {
                    out.computeIfAbsent(o.name(), k -> new ArrayList<>()).add(expand(v, specifiers));
                }
            }
        }
        return out;
    }

    /** %n the full name, %N without the type, %p the prefix, %i the instance (empty for a plain unit). */
    public static Map<String, String> specifiers(String name) {
        String full = UnitName.withoutType(name);
        Optional<UnitName> info = UnitName.of(name);
        Map<String, String> s = new LinkedHashMap<>();
        s.put("%n", name);
        s.put("%N", full);
        s.put("%p", info.map(UnitName::prefix).orElse(full));
        s.put("%i", info.map(UnitName::instance).orElse(""));
        return s;
    }

    /** The value with the specifiers replaced. */
    public static String expand(String v, Map<String, String> specifiers) {
        String out = v;
        for (Map.Entry<String, String> s : specifiers.entrySet()) {
            out = out.replace(s.getKey(), s.getValue());
        }
        return out;
    }

    private List<String> values(String... keys) {
        List<String> out = new ArrayList<>();
        for (String k : keys) {
            out.addAll(requirements.getOrDefault(k, List.of()));
        }
        return out;
    }

    /** The machine the unit is pinned to: MachineID, else X-ConditionMachineID, else X-ConditionMachineBootID. */
    public Optional<String> machineId() {
        for (String k : List.of("MachineID", "X-ConditionMachineID", "X-ConditionMachineBootID")) {
            List<String> v = requirements.getOrDefault(k, List.of());
            if (!v.isEmpty()) {
                return Optional.of(v.get(0));
            }
        }
        return Optional.empty();
    }

    /** MachineOf peers (and X-ConditionMachineOf): units that must already be on the machine. */
    public List<String> peers() {
        return values("MachineOf", "X-ConditionMachineOf");
    }

    /** Conflicts globs (and X-Conflicts), each value split on whitespace. */
    public List<String> conflicts() {
        List<String> out = new ArrayList<>();
        for (String v : values("Conflicts", "X-Conflicts")) {
            for (String p : v.trim().split("\\s+")) {
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return out;
    }

    /** Replaces globs, not split on whitespace. */
    public List<String> replaces() {
        return values("Replaces");
    }

    /** Metadata the machine must have: key to allowed values (OR within a key, AND across keys). */
    public Map<String, Set<String>> requiredMetadata() {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (String v : values("MachineMetadata", "X-ConditionMachineMetadata")) {
            String[] kv = v.split("=", -1);
            if (kv.length == 2 && !kv[0].isEmpty() && !kv[1].isEmpty()) {
                out.computeIfAbsent(kv[0], k -> new LinkedHashSet<>()).add(kv[1]);
            }
        }
        return out;
    }

    /** Global=true (yes, 1, on, t; any case); the last Global= line wins. */
    public boolean global() {
        List<String> v = file.values(SECTION, "Global");
        return !v.isEmpty() && truthy(v.get(v.size() - 1));
    }

    static boolean truthy(String s) {
        return TRUTHY.contains(s.trim().toLowerCase(Locale.ROOT));
    }

    /** The first [X-Fleet] key fleet would refuse, with fleet's words. */
    public Optional<String> unrecognizedRequirement() {
        return requirements.keySet().stream().filter(k -> !KEYS.contains(k)).findFirst()
                .map(k -> "unrecognized requirement in [X-Fleet] section: " + k);
    }

    /**
     * The unit as fleet re-serializes it (its hash input, and the file its agent hands to systemd): each section once,
     * in order of first appearance, its options as {@code Name=Value} lines, a blank line between sections.
     */
    public String serialize() {
        Map<String, StringBuilder> bySection = new LinkedHashMap<>();
        for (UnitFile.Option o : file.options()) {
            bySection.computeIfAbsent(o.section(), s -> new StringBuilder()).append(o.name()).append('=')
                    .append(o.value()).append('\n');
        }
        List<String> parts = new ArrayList<>();
        bySection.forEach((s, b) -> parts.add("[" + s + "]\n" + b));
        return String.join("\n", parts);
    }

    /** fleet's unit hash: SHA-1 of the re-serialized options (sections in order of first appearance). */
    public String hash() {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(serialize().getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte x : d) {
                hex.append(String.format("%02x", x));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
