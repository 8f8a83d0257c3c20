package lab.fleet;

import java.util.Optional;

/**
 * A unit submitted to the cluster: what it should be (its target state) and where the engine put it.
 *
 * @param machine the machine it is scheduled to, or null when unscheduled
 */
public record Job(FleetUnit unit, TargetState target, String machine) {

    public enum TargetState {
        INACTIVE, LOADED, LAUNCHED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public String name() {
        return unit.name();
    }

    public Optional<String> scheduledTo() {
        return Optional.ofNullable(machine);
    }

    public Job on(String m) {
        return new Job(unit, target, m);
    }
}
