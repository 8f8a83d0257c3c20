package lab.fleet;

import java.util.Map;
import java.util.Set;

/** A machine as fleet knows it: its ID and its metadata (one value per key). */
public record FleetMachine(String id, Map<String, String> metadata) {

    public FleetMachine {
        metadata = Map.copyOf(metadata);
    }

    public static FleetMachine of(String id) {
        return new FleetMachine(id, Map.of());
    }

    /** The first 8 characters of the ID (the whole ID when shorter), as fleetctl shows it. */
    public String shortId() {
        return id.length() <= 8 ? id : id.substring(0, 8);
    }

    /** fleet's MatchID: the full ID or the short ID; never the empty string. */
    public boolean matchesId(String x) {
        return !x.isEmpty() && (id.equals(x) || shortId().equals(x));
    }

    /** Every required key present with one of its allowed values. */
    public boolean hasMetadata(Map<String, Set<String>> required) {
        for (Map.Entry<String, Set<String>> e : required.entrySet()) {
            String have = metadata.get(e.getKey());
            if (have == null || !e.getValue().contains(have)) {
                return false;
            }
        }
        return true;
    }
}
