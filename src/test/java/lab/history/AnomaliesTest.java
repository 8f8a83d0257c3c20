package lab.history;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-made register histories, one per anomaly the checker must catch (or must allow). */
class AnomaliesTest {
    static final long OPEN = Long.MAX_VALUE;
    static final RegisterModel M = new RegisterModel();

    static Op write(int id, int p, long call, long ret, long v) {
        return new Op(id, p, "r", call, ret, new RegisterModel.In("write", v, null), Boolean.TRUE);
    }

    static Op read(int id, int p, long call, long ret, Long v) {
        return new Op(id, p, "r", call, ret, new RegisterModel.In("read", null, null), new RegisterModel.Value(v));
    }

    static Verdict check(Op... ops) {
        return Linearizability.check(List.of(ops), M, Duration.ofSeconds(10)).verdict();
    }

    @Test
    void aLostWriteFails() {
        // write(1) was acknowledged, and a read that starts afterwards still sees nothing
        assertEquals(Verdict.FAIL, check(write(0, 0, 1, 2, 1), read(1, 1, 3, 4, null)));
    }

    @Test
    void aStaleReadFails() {
        // 1 then 2 were written one after the other; a later read returns the older value
        assertEquals(Verdict.FAIL, check(write(0, 0, 1, 2, 1), write(1, 0, 3, 4, 2), read(2, 1, 5, 6, 1L)));
    }

    @Test
    void aWriteVisibleBeforeItsInvocationFails() {
        // the read completed before write(7) was even invoked, yet it saw 7
        assertEquals(Verdict.FAIL, check(read(0, 1, 1, 2, 7L), write(1, 0, 3, 4, 7)));
    }

    @Test
    void concurrentOperationsMayBeOrderedEitherWay() {
        // the read overlaps the write: seeing the old or the new value are both linearizable
        assertEquals(Verdict.PASS, check(write(0, 0, 1, 4, 5), read(1, 1, 2, 3, null)));
        assertEquals(Verdict.PASS, check(write(0, 0, 1, 4, 5), read(1, 1, 2, 3, 5L)));
    }

    @Test
    void aWriteWithAnUnknownOutcomeIsAllowedEitherWay() {
        Op unknown = new Op(0, 0, "r", 1, OPEN, new RegisterModel.In("write", 9L, null), null);
        assertEquals(Verdict.PASS, check(unknown, read(1, 1, 5, 6, 9L)), "it happened");
        assertEquals(Verdict.PASS, check(unknown, read(1, 1, 5, 6, null)), "it did not (yet)");
        assertEquals(Verdict.FAIL, check(unknown, read(1, 1, 5, 6, 9L), read(2, 1, 7, 8, null)),
                "but once seen, it cannot be undone");
    }

    @Test
    void casMustAgreeWithTheValue() {
        Op cas = new Op(1, 0, "r", 3, 4, new RegisterModel.In("cas", 1L, 2L), Boolean.TRUE);
        assertEquals(Verdict.PASS, check(write(0, 0, 1, 2, 1), cas, read(2, 1, 5, 6, 2L)));
        Op wrongCas = new Op(1, 0, "r", 3, 4, new RegisterModel.In("cas", 3L, 2L), Boolean.TRUE);
        assertEquals(Verdict.FAIL, check(write(0, 0, 1, 2, 1), wrongCas));
    }

    @Test
    void aTinyBudgetGivesUnknownNotAGuess() {
        Op[] many = new Op[40];
        for (int i = 0; i < 40; i++) {
            many[i] = new Op(i, i, "r", 1, OPEN, new RegisterModel.In("write", (long) i, null), null);
        }
        Op[] withRead = java.util.Arrays.copyOf(many, 41);
        withRead[40] = read(40, 99, 2, 3, 1000L); // impossible: nobody wrote 1000, so the search is exhaustive
        assertEquals(Verdict.UNKNOWN, Linearizability.check(List.of(withRead), M, Duration.ofMillis(50)).verdict());
    }
}
