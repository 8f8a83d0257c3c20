package lab.history;

import java.util.List;

/**
 * A checker's answer.
 *
 * @param explanation for FAIL: the operations no order can place, with the longest partial order found
 */
public record CheckResult(Verdict verdict, int operations, int partitions, List<String> explanation) {

    public CheckResult {
        explanation = List.copyOf(explanation);
    }
}
