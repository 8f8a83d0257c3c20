package lab.scenario;

import java.util.List;
import lab.spec.LabSpec;

/**
 * A parsed, checked scenario file.
 *
 * @param lab the lab to create (null with {@code use: existing})
 * @param heal whether {@code finally: heal} restores links and restarts stopped members before the lab goes
 * @param keep always, never or on-failure (a command-line flag overrides it)
 * @param workload the clients to run during the steps, or null
 * @param checks what to check on the workload's history: linearizable, no-lost-writes, no-stale-reads
 * @param expectFail checks the scenario expects to find an anomaly ({@code expect-fail:}): finding it passes
 */
public record Scenario(String name, String description, String file, LabSpec lab, boolean useExisting,
                       List<Step> steps, boolean heal, String keep, lab.history.WorkloadSpec workload,
                       List<String> checks, List<String> expectFail) {

    public Scenario {
        steps = List.copyOf(steps);
        checks = List.copyOf(checks);
        expectFail = List.copyOf(expectFail);
    }

    public Scenario(String name, String description, String file, LabSpec lab, boolean useExisting,
                    List<Step> steps, boolean heal, String keep, lab.history.WorkloadSpec workload,
                    List<String> checks) {
        this(name, description, file, lab, useExisting, steps, heal, keep, workload, checks, List.of());
    }
}
