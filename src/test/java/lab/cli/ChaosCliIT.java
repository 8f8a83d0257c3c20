package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import lab.provider.LabDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessResult;

/** {@code lab chaos} through the launcher on real etcd: a seeded schedule that repeats, checks, nothing left. */
class ChaosCliIT {
    @TempDir
    Path dir;

    ProcessResult lab(String... args) throws Exception {
        return Launcher.run(dir, java.time.Duration.ofMinutes(3), java.util.Map.of(), args);
    }

    /** The nemesis's faults and undos as the journal lists them. */
    List<String> faults(Path journal) throws Exception {
        List<String> out = new ArrayList<>();
        for (JsonNode step : new ObjectMapper().readTree(journal.toFile()).get(0).get("steps")) {
            if (step.get("step").asText().startsWith("nemesis ")) {
                out.add(step.get("step").asText());
            }
        }
        return out;
    }

    @Test
    void theSameSeedDrawsTheSameFaultsAndEveryCheckPasses() throws Exception {
        String[] args = {"chaos", "--duration", "8s", "--seed", "11", "--faults", "kill,isolate,pause,partition",
            "--interval", "1s-2s", "--heal", "500ms-1s"};
        ProcessResult first = lab(concat(args, "--json", "one.json"));
        assertEquals(0, first.getExitValue(), first.outputUTF8());
        String out = first.outputUTF8();
        assertTrue(out.contains("lab chaos: seed 11"), out);
        assertTrue(out.matches("(?s).*ok   check linearizable.*ok   check no-lost-writes.*ok   check no-stale-reads"
                + ".*ok   check watch.*"), out);
        assertTrue(out.contains("watch: 3 watcher(s) of /lab/workload/*"), "a watcher through each member: " + out);
        assertTrue(out.matches("(?s).*nemesis: \\d+ fault\\(s\\) in .*"), out);
        assertTrue(out.matches("(?s).*summary: \\d+ operations \\(\\d+ unknown\\), [1-9]\\d* fault\\(s\\), [0-9.]+ s "
                + "unavailable, linearizable PASS, no-lost-writes PASS, no-stale-reads PASS.*"), out);
        List<String> one = faults(dir.resolve("one.json"));
        assertFalse(one.isEmpty(), out);
        assertTrue(Files.readString(dir.resolve(".lab/chaos/chaos-11.yaml")).contains("nemesis: {faults: [kill, "
                + "isolate, pause, partition], interval: 1s-2s, duration: 8s, heal: 500ms-1s, max-down: minority}"));
        assertEquals(List.of(), LabDir.list(dir), "the lab was taken down");

        ProcessResult second = lab(concat(args, "--json", "two.json"));
        assertEquals(0, second.getExitValue(), second.outputUTF8());
        List<String> two = faults(dir.resolve("two.json"));
        // the schedule ends by the clock, so one run may draw a fault more: one list starts the other
        List<String> shorter = one.size() <= two.size() ? one : two;
        List<String> longer = one.size() <= two.size() ? two : one;
        assertEquals(shorter, longer.subList(0, shorter.size()), "same seed, same faults:\n" + one + "\n" + two);
    }

    @Test
    void badFlagsAreNamedTogetherAndNothingStarts() throws Exception {
        ProcessResult r = lab("chaos", "--faults", "kil,partition", "--interval", "6s-2s", "--max-down", "half",
                "--watchers", "17");
        assertEquals(2, r.getExitValue(), r.outputUTF8());
        String out = r.outputUTF8();
        assertTrue(out.contains("--faults: unknown fault \"kil\"; did you mean \"kill\"?"), out);
        assertTrue(out.contains("--interval takes a duration or a range like 2s-6s"), out);
        assertTrue(out.contains("--max-down takes minority or any, got \"half\""), out);
        assertTrue(out.contains("--watchers takes 0 (none) to 16, got 17"), out);
        assertFalse(out.contains("Exception"), out);
        assertFalse(Files.exists(dir.resolve(".lab")), "nothing written, nothing started");
    }

    static String[] concat(String[] a, String... b) {
        List<String> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all.toArray(String[]::new);
    }
}
