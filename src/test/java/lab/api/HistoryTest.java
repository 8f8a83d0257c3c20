package lab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The recorder an application's test wraps around its own etcd calls, on histories made up here. */
class HistoryTest {
    @TempDir
    Path dir;

    /**
     * A stale read, fabricated: x=1 is written, then x=2 is written and acknowledged, and a read that begins after
     * that returns 1. The check fails the test with the counterexample and writes both files.
     */
    @Test
    void aStaleReadFailsTheTestWithItsCounterexample() throws Exception {
        History h = History.in("stale", dir);
        h.write("/x", "1").ok();
        h.write("/x", "2").ok();
        h.read("/x").ok("1");
        AssertionError e = assertThrows(AssertionError.class, h::check);
        assertTrue(e.getMessage().contains("linearizable: FAIL"), e.getMessage());
        assertTrue(e.getMessage().contains("no-stale-reads: FAIL"), e.getMessage());
        assertTrue(e.getMessage().contains("stale read") && e.getMessage().contains("saw \"1\""), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("history.html").toAbsolutePath().toString()));
        assertTrue(Files.readString(dir.resolve("history.json")).contains("lab-history/1"));
        assertTrue(Files.size(dir.resolve("history.html")) > 0);
    }

    /**
     * What a client could not know is allowed for: a write whose answer was lost may have happened, so a later
     * read of its value is fine; a refused write is left out; a compare-and-set's outcome is checked.
     */
    @Test
    void unknownOutcomesAndFailuresAreAllowedForAndAGoodHistoryPasses() {
        History h = History.in("good", dir);
        h.write("/x", "1").ok();
        h.write("/x", "2").unknown();
        h.read("/x").ok("2");
        h.write("/x", "3").fail();
        h.cas("/x", "2", "4").ok(true);
        h.cas("/x", "2", "5").ok(false);
        h.read("/x").ok("4");
        h.read("/y").ok(null);
        assertEquals(7, h.size());
        assertEquals(Map.of("linearizable", "PASS", "no-stale-reads", "PASS"), h.check());
    }

    @Test
    void aCallIsCompletedOnce() {
        History.Call c = History.in("once", dir).write("/x", "1");
        c.ok();
        assertThrows(LabException.class, c::ok);
    }
}
