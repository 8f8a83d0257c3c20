package lab.fleet;

import java.util.ArrayList;
import java.util.List;

/**
 * fleet's engine over the lab's registry: one reconcile pass reads the live machines and the jobs, decides with
 * fleet's rules ({@link ClusterState#reconcile}) and writes the decisions back (job/NAME/target). Only the holder of
 * the engine lease runs passes.
 */
public final class FleetEngine {
    private final FleetRegistry registry;
    private volatile java.util.Map<String, String> pending = java.util.Map.of();

    public FleetEngine(FleetRegistry registry) {
        this.registry = registry;
    }

    /** One pass; returns the tasks it carried out. */
    public List<ClusterState.Task> reconcile() {
        List<FleetMachine> machines = new ArrayList<>(registry.machines().keySet());
        ClusterState cs = new ClusterState(machines, registry.jobs());
        List<ClusterState.Task> tasks = cs.reconcile();
        pending = cs.pending();
        for (ClusterState.Task t : tasks) {
            if (t.type().equals("UnscheduleUnit")) {
                registry.unschedule(t.unit());
            } else {
                registry.schedule(t.unit(), t.machine());
            }
        }
        return tasks;
    }

    /** What the last pass left unscheduled, and why (fleet's words: "no agents able to run job", ...). */
    public java.util.Map<String, String> pending() {
        return pending;
    }
}
