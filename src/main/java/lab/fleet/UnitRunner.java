package lab.fleet;

import java.util.LinkedHashMap;
import java.util.Map;

/** How an agent runs units on its machine: processes on local and netns nodes, systemd units on VMs. */
public interface UnitRunner {

    /**
     * Whether the machine answers at all. An agent whose machine does not answer stops heartbeating, so the cluster
     * gives the machine up after the agent TTL (a powered-off VM, say, whose agent runs on the host).
     */
    default boolean reachable() {
        return true;
    }

    /** Starts the unit: ExecStartPre, ExecStart (in the background), ExecStartPost; false when a step failed. */
    boolean start(FleetUnit unit, Map<String, String> specifiers);

    /** Stops it: ExecStop, then its processes, then ExecStopPost. Nothing happens when it does not run. */
    void stop(String unit);

    /** Whether the unit's main process runs. */
    boolean running(String unit);

    /** Stops every unit this runner started (the machine went away). */
    void stopAll();

    /** The last {@code lines} lines the unit wrote on this machine, newline-terminated; empty when none. */
    String output(String unit, int lines);

    /** The specifiers of a unit on a machine (%n %N %p %i from its name, %m and %H from the machine). */
    static Map<String, String> specifiers(String unit, String machineId, String hostname) {
        Map<String, String> s = new LinkedHashMap<>(FleetUnit.specifiers(unit));
        s.put("%m", machineId);
        s.put("%H", hostname);
        return s;
    }
}
