package lab.history;

/** PASS: some order of the operations explains every result; FAIL: none does; UNKNOWN: the budget ran out first. */
public enum Verdict {
    PASS, FAIL, UNKNOWN
}
