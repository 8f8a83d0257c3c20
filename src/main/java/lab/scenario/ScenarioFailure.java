package lab.scenario;

/** The cluster did not do what the scenario expected: the scenario fails (exit 1), with what was observed. */
public class ScenarioFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ScenarioFailure(String message) {
        super(message);
    }
}
