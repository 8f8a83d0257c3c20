package lab.fleet;

import java.util.Optional;

/** fleet's checks before it accepts a unit (api.ValidateOptions), first failure wins, in fleet's words. */
public final class Validation {
    private Validation() {
    }

    public static Optional<String> options(FleetUnit u) {
        for (String peer : u.peers()) {
            for (String c : u.conflicts()) {
                if (Glob.matches(c, peer)) {
                    return Optional.of("unresolvable requirements: peer \"" + peer + "\" matches conflict \"" + c
                            + "\"");
                }
            }
            for (String r : u.replaces()) {
                if (Glob.matches(r, peer)) {
                    return Optional.of("unresolvable requirements: peer \"" + peer + "\" matches replace \"" + r
                            + "\"");
                }
            }
        }
        boolean id = u.machineId().isPresent();
        boolean peers = !u.peers().isEmpty();
        boolean conflicts = !u.conflicts().isEmpty();
        boolean replaces = !u.replaces().isEmpty();
        boolean global = u.global();
        // fleet's order: the first combination that applies is the one reported
        Object[][] forbidden = {
            {id && peers, "MachineID cannot be used with Peers"},
            {id && conflicts, "MachineID cannot be used with Conflicts"},
            {id && global, "MachineID cannot be used with Global"},
            {id && replaces, "MachineID cannot be used with Replaces"},
            {global && peers, "Global cannot be used with Peers"},
            {global && replaces, "Global cannot be used with Replaces"},
            {conflicts && replaces, "Conflicts cannot be used with Replaces"}};
        for (Object[] f : forbidden) {
            if ((Boolean) f[0]) {
                return Optional.of((String) f[1]);
            }
        }
        return Optional.empty();
    }
}
