package lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import lab.spec.Overrides;
import lab.spec.Pos;
import org.junit.jupiter.api.Test;

/** The nemesis's draw: repeatable from its seed, and within what max-down allows. */
class NemesisTest {
    static final List<String> THREE = List.of("core-01", "core-02", "core-03");
    static final List<String> FIVE = List.of("core-01", "core-02", "core-03", "core-04", "core-05");

    static Nemesis.Spec spec(boolean any) {
        return new Nemesis.Spec(Nemesis.FAULTS, Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofSeconds(60),
                Duration.ofSeconds(1), Duration.ofSeconds(3), any);
    }

    static List<String> draws(long seed, boolean any, List<String> voters, int n) {
        Random r = new Random(seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Nemesis.Fault f = Nemesis.draw(spec(any), r, voters, Pos.start("t"));
            out.add(f.make().text() + " / " + (f.undo() == null ? "-" : f.undo().text()) + " / held " + f.hold()
                    + " after " + f.before());
        }
        return out;
    }

    @Test
    void theSameSeedDrawsTheSameFaultsAndAnotherSeedOthers() {
        assertEquals(draws(7, false, THREE, 50), draws(7, false, THREE, 50));
        assertNotEquals(draws(7, false, THREE, 50), draws(8, false, THREE, 50));
        Set<String> kinds = new HashSet<>();
        Random r = new Random(1);
        for (int i = 0; i < 500; i++) {
            kinds.add(Nemesis.draw(spec(false), r, FIVE, Pos.start("t")).kind());
        }
        assertEquals(new HashSet<>(Nemesis.FAULTS), kinds, "every fault kind is drawn");
    }

    /** 1 of 3 and 2 of 5 at most with max-down minority; with any, a majority too. */
    @Test
    void minorityNeverTakesOutAQuorumAndAnyCan() {
        for (List<String> voters : List.of(THREE, FIVE)) {
            int canLose = voters.size() - (voters.size() / 2 + 1);
            Random r = new Random(3);
            for (int i = 0; i < 2000; i++) {
                Nemesis.Fault f = Nemesis.draw(spec(false), r, voters, Pos.start("t"));
                if (Set.of("kill", "stop", "pause", "restart", "partition", "isolate").contains(f.kind())) {
                    assertTrue(f.nodes().size() <= canLose, f.kind() + " " + f.nodes() + " of " + voters);
                }
                assertTrue(f.hold().compareTo(Duration.ofSeconds(1)) >= 0 && f.hold().compareTo(Duration.ofSeconds(3))
                        <= 0 || f.undo() == null, f.toString());
                assertTrue(f.before().compareTo(Duration.ofSeconds(2)) >= 0
                        && f.before().compareTo(Duration.ofSeconds(6)) <= 0, f.toString());
            }
        }
        Random r = new Random(3);
        int most = 0;
        for (int i = 0; i < 2000; i++) {
            Nemesis.Fault f = Nemesis.draw(spec(true), r, THREE, Pos.start("t"));
            if (f.kind().equals("kill")) {
                most = Math.max(most, f.nodes().size());
            }
        }
        assertEquals(3, most, "max-down any may kill every member");
    }

    @Test
    void aNemesisBlockIsReadAsWrittenAndRunsAfterTheSteps() {
        Scenario sc = ScenarioLoader.parse("n.yaml", """
                lab: {nodes: 3}
                steps:
                  - expect: {quorum: true}
                nemesis: {faults: [kill, partition], interval: 1s-2s, duration: 10m, heal: 500ms, max-down: any}
                """, Overrides.none());
        Step last = sc.steps().get(sc.steps().size() - 1);
        assertEquals("nemesis", last.kind());
        assertEquals("nemesis: faults kill,partition, every 1s-2s for 10m, held 500ms, max-down any", last.text());
        Scenario only = ScenarioLoader.parse("o.yaml", "lab: {nodes: 3}\nnemesis: {}\n", Overrides.none());
        assertEquals("nemesis: faults " + String.join(",", Nemesis.FAULTS) + ", every 2s-6s for 60s, held 1s-3s, "
                + "max-down minority", only.steps().get(0).text(), "every key has a default; steps: may be left out");
    }
}
