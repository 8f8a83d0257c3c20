package lab.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The watch check on a history recorded from a real run (src/test/resources/watch/README.md): clean as recorded,
 * and each guarantee broken by editing one thing in it.
 */
class WatchCheckTest {

    private static WatchHistory recorded() throws IOException {
        try (InputStream in = WatchCheckTest.class.getResourceAsStream("/watch/watch-across-faults.json")) {
            return HistoryJson.readWatch("watch-across-faults.json", new String(in.readAllBytes(),
                    StandardCharsets.UTF_8));
        }
    }

    private static WatchHistory withWatcher(WatchHistory h, int i, List<WatchHistory.Event> events) {
        List<List<WatchHistory.Event>> ws = new ArrayList<>(h.watchers());
        ws.set(i, events);
        return new WatchHistory(h.start(), ws, h.resumes(), h.writes(), h.unacknowledged(), h.caughtUp());
    }

    @Test
    void theRecordedHistoryPasses() throws IOException {
        WatchHistory h = recorded();
        CheckResult r = WatchCheck.check(h);
        assertEquals(Verdict.PASS, r.verdict(), String.join("\n", r.explanation()));
        assertEquals(714, r.operations());
        assertTrue(h.resumes().size() >= 1, "the recording has a watcher that resumed");
    }

    @Test
    void aDroppedEventIsAGapNamedWithItsRevisionAndMember() throws IOException {
        WatchHistory h = recorded();
        List<WatchHistory.Event> w1 = new ArrayList<>(h.watchers().get(1));
        WatchHistory.Event dropped = w1.remove(100);
        WatchHistory.Event before = w1.get(99);
        WatchHistory.Event after = w1.get(100);
        CheckResult r = WatchCheck.check(withWatcher(h, 1, w1));
        assertEquals(Verdict.FAIL, r.verdict());
        assertEquals(1, r.explanation().size(), String.join("\n", r.explanation()));
        String line = r.explanation().get(0);
        assertTrue(line.startsWith("watcher 1 (via " + after.member() + ") skipped revision " + dropped.revision()
                + " (" + dropped.key() + "=" + dropped.value()), line);
        assertTrue(line.endsWith("it delivered revision " + before.revision() + " through " + before.member()
                + ", then revision " + after.revision() + " through " + after.member()), line);
    }

    @Test
    void theLastEventDroppedIsAWriteNeverDelivered() throws IOException {
        WatchHistory h = recorded();
        List<WatchHistory.Event> w2 = new ArrayList<>(h.watchers().get(2));
        // the last acknowledged write's event: nothing after it shows the gap, only the catch-up rule does
        long last = h.writes().get(h.writes().size() - 1).revision();
        w2.removeIf(e -> e.revision() >= last);
        CheckResult r = WatchCheck.check(withWatcher(h, 2, w2));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.explanation().get(0).startsWith("watcher 2 (via ") && r.explanation().get(0).contains(
                "never delivered revision " + last), r.explanation().get(0));
        // a run whose lab was not healed does not judge what had not arrived yet
        WatchHistory unjudged = withWatcher(h, 2, w2);
        unjudged = new WatchHistory(h.start(), unjudged.watchers(), h.resumes(), h.writes(), h.unacknowledged(),
                false);
        assertEquals(Verdict.PASS, WatchCheck.check(unjudged).verdict());
    }

    @Test
    void aRepeatedEventIsADuplicate() throws IOException {
        WatchHistory h = recorded();
        List<WatchHistory.Event> w0 = new ArrayList<>(h.watchers().get(0));
        // as a resume from the last revision instead of the last + 1 would deliver it again
        w0.add(51, w0.get(50));
        CheckResult r = WatchCheck.check(withWatcher(h, 0, w0));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.explanation().get(0).matches("watcher 0 \\(via core-0\\d\\) delivered revision "
                + w0.get(50).revision() + " \\(.*\\) twice"), r.explanation().get(0));
    }

    @Test
    void eventsOutOfOrderAndARevisionThatDoesNotMatchItsWriteFail() throws IOException {
        WatchHistory h = recorded();
        List<WatchHistory.Event> w0 = new ArrayList<>(h.watchers().get(0));
        WatchHistory.Event a = w0.get(20);
        w0.set(20, w0.get(21));
        w0.set(21, a);
        CheckResult r = WatchCheck.check(withWatcher(h, 0, w0));
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.explanation().stream().anyMatch(x -> x.contains("delivered revision " + a.revision()
                + " after revision " + w0.get(20).revision()) && x.endsWith("out of order")), r.explanation()
                .toString());

        List<WatchHistory.Event> moved = new ArrayList<>(h.watchers().get(1));
        WatchHistory.Event e = moved.get(30);
        WatchHistory.Write w = h.writes().stream().filter(x -> x.value().equals(e.value())).findFirst()
                .orElseThrow();
        // the same value under another key: not what its writer was told
        moved.set(30, new WatchHistory.Event(e.revision(), e.key() + "x", e.value(), e.member(), e.at()));
        CheckResult r2 = WatchCheck.check(withWatcher(h, 1, moved));
        assertEquals(Verdict.FAIL, r2.verdict());
        assertTrue(r2.explanation().stream().anyMatch(x -> x.contains("its write was acknowledged as " + w.key()
                + " at revision " + w.revision())), r2.explanation().toString());
    }

    @Test
    void aValueNobodyWroteIsNamed() throws IOException {
        WatchHistory h = recorded();
        WatchHistory edited = new WatchHistory(h.start(), h.watchers(), h.resumes(), h.writes(), Set.of(), true);
        // without the lost-answer writes, their events are values no client is known to have written
        CheckResult r = WatchCheck.check(edited);
        assertEquals(Verdict.FAIL, r.verdict());
        assertTrue(r.explanation().get(0).contains("which no client wrote"), r.explanation().get(0));
    }
}
