package lab.scenario;

import java.time.Duration;
import java.util.Map;
import lab.spec.Pos;

/**
 * One step of a scenario: an action (a fault, a client operation, a pause) or an expectation.
 *
 * @param kind the action or "expect"
 * @param args the step's arguments, already checked (selectors, durations, keys)
 * @param bindAs the name {@code as:} binds the resolved node(s) to, or null
 * @param within for expectations: how long to retry until true (zero: check once)
 * @param text the step as written, for the timeline and the reports
 */
public record Step(String kind, Map<String, Object> args, String bindAs, Duration within, Pos pos, String text) {

    public Step {
        args = Map.copyOf(args);
    }

    public boolean isExpect() {
        return kind.equals("expect");
    }

    public String arg(String key) {
        Object v = args.get(key);
        return v == null ? null : v.toString();
    }
}
