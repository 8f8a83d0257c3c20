package lab.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import lab.testing.Corpora;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every history of the Porcupine corpus (conformance/porcupine, see its NOTICE.md) gives its expected verdict. */
class PorcupineCorpusTest {
    static final Duration BUDGET = Duration.ofSeconds(60);

    private static List<String[]> verdicts(String csv) throws IOException {
        return Files.readAllLines(Corpora.file("porcupine/" + csv)).stream().skip(1).filter(l -> !l.isBlank())
                .map(l -> l.split(",")).toList();
    }

    @TestFactory
    Stream<DynamicTest> jepsenEtcdHistories() throws IOException {
        List<String[]> rows = verdicts("jepsen_verdicts.csv");
        assertEquals(52, rows.size(), "the corpus holds 52 Jepsen files");
        return rows.stream().map(r -> DynamicTest.dynamicTest(r[0] + " linearizable=" + r[1], () -> {
            Path f = Corpora.file("porcupine/jepsen/" + r[0]);
            String text = Files.readString(f);
            assertEquals(HistoryFiles.Format.JEPSEN_REGISTER, HistoryFiles.detect(r[0], text));
            CheckResult c = Linearizability.check(HistoryFiles.jepsen(r[0], text), new RegisterModel(), BUDGET);
            assertEquals(Boolean.parseBoolean(r[1]) ? Verdict.PASS : Verdict.FAIL, c.verdict(),
                    String.join("\n", c.explanation()));
        }));
    }

    @TestFactory
    Stream<DynamicTest> kvHistories() throws IOException {
        List<String[]> rows = verdicts("kv_verdicts.csv");
        assertEquals(6, rows.size());
        return rows.stream().map(r -> DynamicTest.dynamicTest(r[0] + " linearizable=" + r[1], () -> {
            String text = Files.readString(Corpora.file("porcupine/kv/" + r[0]));
            assertEquals(HistoryFiles.Format.KV, HistoryFiles.detect(r[0], text));
            CheckResult c = Linearizability.checkPerKey(HistoryFiles.kv(r[0], text), new KvModel(), BUDGET);
            assertEquals(Boolean.parseBoolean(r[1]) ? Verdict.PASS : Verdict.FAIL, c.verdict(),
                    String.join("\n", c.explanation()));
        }));
    }

    @Test
    void aFailureExplainsItself() throws IOException {
        String text = Files.readString(Corpora.file("porcupine/kv/c01-bad.txt"));
        CheckResult c = Linearizability.checkPerKey(HistoryFiles.kv("c01-bad.txt", text), new KvModel(), BUDGET);
        assertEquals(Verdict.FAIL, c.verdict());
        assertTrue(c.explanation().get(0).startsWith("key "), c.explanation().toString());
        assertTrue(c.explanation().stream().anyMatch(l -> l.startsWith("then nothing can be placed before ")),
                c.explanation().toString());
    }
}
