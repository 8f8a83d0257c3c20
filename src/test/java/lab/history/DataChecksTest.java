package lab.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The cheap lost-write and stale-read checks on hand-made register histories with unique values. */
class DataChecksTest {
    static final long OPEN = Long.MAX_VALUE;

    static Op write(int p, long call, long ret, String v) {
        return new Op(0, p, "k", call, ret, new RegisterModel.In("write", v, null), null);
    }

    static Op cas(int p, long call, long ret, String from, String to, Boolean ok) {
        return new Op(0, p, "k", call, ret, new RegisterModel.In("cas", from, to), ok);
    }

    static Op read(int p, long call, long ret, String v) {
        return new Op(0, p, "k", call, ret, new RegisterModel.In("read", null, null), new RegisterModel.Value(v));
    }

    static CheckResult lost(String fin, Op... ops) {
        return DataChecks.noLostWrites(List.of(ops), Map.of("k", Optional.ofNullable(fin)));
    }

    @Test
    void anAcknowledgedWriteThatNothingOverwroteMustBeTheFinalValue() {
        CheckResult r = lost("a", write(0, 1, 2, "a"), write(1, 3, 4, "b"));
        assertEquals(Verdict.FAIL, r.verdict(), "b came after a and was acknowledged, yet the end says a");
        assertTrue(r.explanation().get(0).contains("write(\"b\")"), r.explanation().toString());
        assertEquals(Verdict.PASS, lost("b", write(0, 1, 2, "a"), write(1, 3, 4, "b")).verdict());
    }

    @Test
    void concurrentWritesMayEndEitherWay() {
        assertEquals(Verdict.PASS, lost("a", write(0, 1, 4, "a"), write(1, 2, 3, "b")).verdict());
        assertEquals(Verdict.PASS, lost("b", write(0, 1, 4, "a"), write(1, 2, 3, "b")).verdict());
    }

    @Test
    void aWriteWithAnUnknownOutcomeMayOrMayNotHaveHappened() {
        assertEquals(Verdict.PASS, lost("a", write(0, 1, 2, "a"), write(1, 3, OPEN, "u")).verdict(), "not applied");
        assertEquals(Verdict.PASS, lost("u", write(0, 1, 2, "a"), write(1, 3, OPEN, "u")).verdict(), "applied");
        assertEquals(Verdict.FAIL, lost(null, write(0, 1, 2, "a"), write(1, 3, OPEN, "u")).verdict(),
                "but the acknowledged write cannot vanish with it");
    }

    @Test
    void aFinalValueNobodyWroteFails() {
        assertEquals(Verdict.FAIL, lost("zzz", write(0, 1, 2, "a")).verdict());
    }

    @Test
    void aCasThatDidNotApplyOverwritesNothing() {
        assertEquals(Verdict.FAIL, lost("b", write(0, 1, 2, "a"), cas(1, 3, 4, "x", "b", false)).verdict());
        assertEquals(Verdict.PASS, lost("b", write(0, 1, 2, "a"), cas(1, 3, 4, "a", "b", true)).verdict());
    }

    @Test
    void aStaleReadFails() {
        CheckResult r = DataChecks.noStaleReads(List.of(write(0, 1, 2, "a"), write(0, 3, 4, "b"),
                read(1, 5, 6, "a")));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.explanation().get(0).contains("stale read"), r.explanation().toString());
    }

    @Test
    void aStaleReadNamesTheMemberItCameThrough() {
        CheckResult r = DataChecks.noStaleReads(List.of(write(0, 1, 2, "a"), write(0, 3, 4, "b"),
                read(4, 5, 6, "a")), p -> p % 3 == 1 ? "core-02" : "core-01");
        assertTrue(r.explanation().get(0).startsWith("k: stale read at 0.000 s through core-02 (process 4): saw "
                + "\"a\""), r.explanation().toString());
    }

    @Test
    void readingNothingAfterAnAcknowledgedWriteFails() {
        assertEquals(Verdict.FAIL, DataChecks.noStaleReads(List.of(write(0, 1, 2, "a"), read(1, 3, 4, null)))
                .verdict());
    }

    @Test
    void aValueVisibleBeforeItsWriteWasInvokedFails() {
        CheckResult r = DataChecks.noStaleReads(List.of(read(1, 1, 2, "a"), write(0, 3, 4, "a")));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.explanation().get(0).contains("invoked later"), r.explanation().toString());
    }

    @Test
    void overlappingReadsAndUnknownWritesPass() {
        assertEquals(Verdict.PASS, DataChecks.noStaleReads(List.of(write(0, 1, 4, "a"), read(1, 2, 3, null),
                write(2, 5, OPEN, "u"), read(1, 6, 7, "u"), read(1, 8, 9, "u"))).verdict());
    }
}
