package lab.scenario;

/**
 * What became of one step.
 *
 * @param did what the step did, with its selectors resolved ("kill core-02 (leader)")
 * @param at when it started, seconds into the run
 */
public record StepResult(int index, String step, Status status, String did, double at, double seconds,
                         String message) {

    /** A history check's result (added after the steps), not a step of the scenario. */
    public boolean isCheck() {
        return step.startsWith("check ");
    }

    public enum Status {
        PASSED, FAILED, SKIPPED
    }
}
