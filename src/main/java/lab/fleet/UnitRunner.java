package lab.fleet;

import java.util.Map;

/** How an agent runs units on its machine: processes here, systemd units on VMs. */
public interface UnitRunner {

    /** Starts the unit: ExecStartPre, ExecStart (in the background), ExecStartPost; false when a step failed. */
    boolean start(FleetUnit unit, Map<String, String> specifiers);

    /** Stops it: ExecStop, then its processes, then ExecStopPost. Nothing happens when it does not run. */
    void stop(String unit);

    /** Whether the unit's main process runs. */
    boolean running(String unit);
}
