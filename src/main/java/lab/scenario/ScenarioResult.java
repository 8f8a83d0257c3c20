package lab.scenario;

import java.util.List;

/**
 * The verdict of one scenario run, with its steps and measurements.
 *
 * @param verdict PASS, FAIL (an expectation, action or check failed), ERROR (the lab could not be run, or lab itself
 *     failed: exit 4), UNKNOWN, INTERRUPTED (cancelled by a signal)
 * @param artifacts where logs and statuses of a failed run were saved, or null
 * @param probeTimeoutMs the write probe's deadline per write: a write that took longer counted as unavailable
 */
public record ScenarioResult(String name, String file, String description, Verdict verdict, List<StepResult> steps,
                             double seconds, List<double[]> outages, List<Double> newLeader, List<Double> recovery,
                             int probeWrites, int probeFailures, String artifacts, String error,
                             WorkloadReport workload, long probeTimeoutMs) {

    public enum Verdict {
        PASS, FAIL, ERROR,
        /** Every step passed, but a history check ran out of budget before a verdict. */
        UNKNOWN,
        /** The run was cancelled (SIGINT, SIGTERM) before it ended. */
        INTERRUPTED
    }

    public ScenarioResult {
        steps = List.copyOf(steps);
        outages = List.copyOf(outages);
        newLeader = List.copyOf(newLeader);
        recovery = List.copyOf(recovery);
    }
}
