package lab.scenario;

import java.util.Map;

/**
 * What a scenario's workload did and what the checks said about it.
 *
 * @param ok operations with a known result
 * @param unknown writes and cas operations whose outcome is unknown (timeouts, lost connections)
 * @param failedReads reads that failed (they changed nothing and are not in the history)
 * @param checks each check's verdict, in the order the scenario named them
 * @param history where the history was saved (JSON and HTML timeline)
 */
public record WorkloadReport(int ok, int unknown, int failedReads, Map<String, String> checks, String history,
                             double requestedRate, double achievedRate) {
}
