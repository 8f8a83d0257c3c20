package lab.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A scenario's saved history reads back as it was recorded, and its timeline shows every operation. */
class HistoryJsonTest {
    static final List<Op> OPS = List.of(
            new Op(0, 0, "/k", 10, 20, new RegisterModel.In("write", "0-1", null), null),
            new Op(1, 1, "/k", 15, 30, new RegisterModel.In("read", null, null), new RegisterModel.Value("0-1")),
            new Op(2, 2, "/k", 40, Long.MAX_VALUE, new RegisterModel.In("cas", "0-1", "2-1"), null),
            new Op(3, 1, "/k", 50, 60, new RegisterModel.In("cas", null, "1-1"), Boolean.FALSE),
            new Op(4, 0, "/j", 50, 60, new RegisterModel.In("read", null, null), new RegisterModel.Value(null)));

    @Test
    void aHistoryReadsBackAsItWasRecorded() {
        String json = HistoryJson.write(OPS);
        assertEquals(HistoryFiles.Format.LAB_JSON, HistoryFiles.detect("h.json", json));
        assertEquals(OPS, HistoryJson.read("h.json", json));
        assertEquals(Verdict.PASS, Linearizability.checkPerKey(HistoryJson.read("h.json", json), new RegisterModel(),
                Duration.ofSeconds(5)).verdict());
    }

    @Test
    void theTimelineHasABarPerOperationAndTheVerdicts() {
        String html = HistoryTimeline.html("t", OPS, Map.of("no-stale-reads", DataChecks.noStaleReads(OPS)));
        assertEquals(OPS.size(), html.split("<rect class=\"op\" ").length - 1, "a bar per operation");
        long pending = OPS.stream().filter(Op::pending).count();
        assertEquals(OPS.size() - pending, html.split("<circle ").length - 1, "a latency point per completed one");
        assertEquals(pending, html.split("<rect class=\"unknown\" ").length - 1, "a tick per unknown outcome");
        assertTrue(html.contains("no-stale-reads</b>: <span class=\"PASS\">PASS"), html);
        assertTrue(html.contains("cas(0-1, 2-1) -&gt; ?"), "an unknown outcome is shown as such");
    }
}
