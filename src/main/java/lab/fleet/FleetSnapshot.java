package lab.fleet;

import java.util.List;
import java.util.Map;

/**
 * What fleet says at one moment, wherever it is read from: the lab's registry in etcd, or real fleet through
 * fleetctl on a classic CoreOS VM. Scenario expectations check a snapshot.
 *
 * @param machines the live machines with their public IPs
 * @param states the agents' reports, by unit and machine
 */
public record FleetSnapshot(List<Job> jobs, Map<FleetMachine, String> machines,
                            Map<String, Map<String, FleetRegistry.UnitState>> states) {

    public static FleetSnapshot of(FleetRegistry r) {
        return new FleetSnapshot(r.jobs(), r.machines(), r.states());
    }
}
