package lab.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import lab.spec.BadInputException;
import lab.spec.Overrides;
import lab.spec.Problem;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The scenario format: the library and the README's examples parse; bad scenarios say what and where. */
class ScenarioFormatTest {
    static final Path REPO = Path.of(System.getProperty("lab.repo", ".")).toAbsolutePath().normalize();

    @TestFactory
    Stream<DynamicTest> everyLibraryScenarioParsesAndSaysWhatItTeaches() throws IOException {
        try (Stream<Path> files = Files.list(REPO.resolve("scenarios"))) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
            assertTrue(all.size() >= 12, "the library has the issue's scenarios: " + all);
            return all.stream().map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> {
                String text = Files.readString(f);
                assertTrue(text.startsWith("# Teaches: "), "starts with a comment saying what it teaches");
                Scenario sc = ScenarioLoader.parse(f.toString(), text, Overrides.none());
                assertEquals(f.getFileName().toString().replace(".yaml", ""), sc.name());
                assertFalse(sc.steps().isEmpty());
            }));
        }
    }

    @TestFactory
    Stream<DynamicTest> everyReadmeExampleParses() throws IOException {
        String readme = Files.readString(REPO.resolve("README.md"));
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        List<String> examples = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).contains("steps:")) {
                examples.add(m.group(1));
            }
        }
        assertTrue(examples.size() >= 3, "README shows scenario examples");
        return examples.stream().map(e -> DynamicTest.dynamicTest(e.lines().findFirst().orElse(""),
                // read as a file of scenarios/, so that unit files resolve like the library's (scenarios/units/)
                () -> assertFalse(ScenarioLoader.parse("scenarios/README-example.yaml", e, Overrides.none()).steps()
                        .isEmpty())));
    }

    static Stream<Arguments> badScenarios() {
        return Stream.of(
                Arguments.of("unknown step", "steps:\n  - kil: leader\n", "2:5",
                        "unknown step \"kil\"; did you mean \"kill\"?"),
                Arguments.of("unknown selector", "steps:\n  - kill: core-09\n", "2:11",
                        "unknown selector \"core-09\": no such node in this lab (core-01, core-02, core-03), and "
                                + "not one of all, follower, followers, leader, majority, minority, random"),
                Arguments.of("bad selector", "steps:\n  - kill: The Leader\n", "2:11", "unknown selector \"The Leader\"; "
                        + "use a node name, $name, or one of all, follower, followers, leader, majority, minority, "
                        + "random"),
                Arguments.of("bad duration", "steps:\n  - sleep: 5 seconds\n", "2:12",
                        "bad duration \"5 seconds\" for sleep; use a number and a unit, like 500ms, 5s or 2m"),
                Arguments.of("duration without unit", "steps:\n  - expect: {quorum: true, within: 5}\n", "2:36",
                        "within takes a duration with a unit, like 5s or 500ms, got 5"),
                Arguments.of("unbound name", "steps:\n  - start: $old\n  - kill: leader\n    as: old\n", "2:12",
                        "$old is not bound: an earlier step must say as: old"),
                Arguments.of("unknown expectation", "steps:\n  - expect: {quorom: true}\n", "2:14",
                        "unknown expectation \"quorom\"; did you mean \"quorum\"?"),
                Arguments.of("two actions", "steps:\n  - kill: leader\n    stop: follower\n", "3:5",
                        "one action per step: \"kill\" and \"stop\" are both here"),
                Arguments.of("bad lab block", "lab: {nodes: two}\nsteps:\n  - kill: leader\n", "1:14",
                        "\"nodes\" must be a number of members (nodes: 3) or a list of nodes, got \"two\""),
                Arguments.of("unknown top-level key", "setps:\n  - kill: leader\n", "1:1",
                        "unknown key \"setps\" in the scenario; did you mean \"steps\"?"),
                Arguments.of("bad keep", "keep: sometimes\nsteps:\n  - kill: leader\n", "1:7",
                        "keep: takes always, never or on-failure"),
                Arguments.of("partition of one group", "steps:\n  - partition: [leader]\n", "2:5",
                        "partition: takes two or more groups, like [[leader, follower], rest]"),
                Arguments.of("bad workload rate", "workload: {clients: 4, rate: fast}\nsteps:\n  - kill: leader\n",
                        "1:30", "rate takes operations per second in all clients, like 200/s (at most 20000/s); got "
                                + "\"fast\""),
                Arguments.of("unknown check", "workload: {clients: 2}\nchecks: [linearisable]\nsteps:\n  - kill: "
                        + "leader\n", "2:10", "unknown check \"linearisable\"; did you mean \"linearizable\"?"),
                Arguments.of("checks without a workload", "checks: [no-lost-writes]\nsteps:\n  - kill: leader\n",
                        "1:1", "checks: judge the history a workload records: add a workload: block, like workload: "
                                + "{clients: 4, rate: 100/s, keys: 8}"),
                Arguments.of("reads only", "workload: {mix: {read: 100}}\nsteps:\n  - kill: leader\n", "1:17",
                        "a mix of reads only writes nothing to check"),
                Arguments.of("unknown workload key", "workload: {client: 4}\nsteps:\n  - kill: leader\n", "1:12",
                        "unknown key \"client\" in workload; did you mean \"clients\"?"),
                Arguments.of("bad reads", "workload: {reads: stale}\nsteps:\n  - kill: leader\n", "1:19",
                        "reads: takes linearizable (through the leader's read index, the default) or serializable "
                                + "(from the answering member's own state: may be stale)"),
                Arguments.of("clients twice", "workload: {clients: 4, clients-per-member: 2}\nsteps:\n  - kill: "
                        + "leader\n", "1:24", "give clients: (spread over every member) or clients-per-member: "
                        + "(pinned to each member), not both"),
                Arguments.of("watch keys", "workload: {watch: {keys: all}}\nsteps:\n  - kill: leader\n", "1:26",
                        "watch keys: takes prefix (every key of the workload, /lab/workload/*); got \"all\""),
                Arguments.of("watch check without watchers", "workload: {clients: 2}\nchecks: [watch]\nsteps:\n  - "
                        + "kill: leader\n", "2:1", "the watch check judges a workload's watchers: add watch: {keys: "
                        + "prefix, clients: 3} to the workload"),
                Arguments.of("bad alarm", "steps:\n  - expect: {alarm: full}\n", "2:21",
                        "alarm: takes nospace (the space quota's alarm is raised) or none"),
                Arguments.of("restore of nothing", "steps:\n  - restore: nightly\n", "2:5", "no snapshot \"nightly\" is "
                        + "taken before this step, and there is no file nightly next to the scenario"),
                Arguments.of("fill without bytes", "steps:\n  - fill: {until: nospace}\n", "2:11", "fill: takes "
                        + "bytes: up to 1GiB, like {bytes: 24MiB}: it overwrites one key with 512 KiB values until "
                        + "that much was written or etcd refuses (NOSPACE)"),
                Arguments.of("bad db size", "steps:\n  - expect: {db-size-under: small}\n", "2:29",
                        "db-size-under: takes a size, like 4MiB; got \"small\""),
                Arguments.of("bad quota", "lab: {nodes: 3, etcd: {quota-backend-bytes: 100TB}}\nsteps:\n  - kill: "
                        + "leader\n", "1:45", "quota-backend-bytes takes a size from 1MiB to 8GiB, like 16MiB; got "
                        + "\"100TB\""),
                Arguments.of("unknown expected failure", "workload: {clients: 2}\nexpect-fail: [no-stale-read]\n"
                        + "steps:\n  - kill: leader\n", "2:15", "unknown check \"no-stale-read\"; did you mean "
                        + "\"no-stale-reads\"?"),
                Arguments.of("unknown fault", "nemesis: {faults: [kil]}\n", "1:20",
                        "unknown fault \"kil\"; did you mean \"kill\"?"),
                Arguments.of("bad interval", "nemesis: {interval: 6s-2s}\n", "1:21", "interval: takes a duration or a "
                        + "range like 2s-6s (the first no larger than the second), got \"6s-2s\""),
                Arguments.of("bad max-down", "nemesis: {max-down: majority}\n", "1:21", "max-down: takes minority "
                        + "(faults keep a quorum, the default) or any (faults may take out a majority)"),
                Arguments.of("expect-fail without a workload", "expect-fail: [linearizable]\nsteps:\n  - kill: "
                        + "leader\n", "1:1", "expect-fail: names checks of a workload's history: add a workload: "
                        + "block"));
    }

    @Test
    void aWorkloadBlockReadsLikeTheReadmeSaysAndDefaultsToTheCheapChecks() {
        Scenario sc = ScenarioLoader.parse("s.yaml", "workload: {clients: 8, rate: 200/s, keys: 16, mix: {read: 50, "
                + "write: 40, cas: 10}}\nsteps:\n  - kill: leader\n", Overrides.none());
        assertEquals(new lab.history.WorkloadSpec(8, 200, 16, 50, 40, 10), sc.workload());
        assertEquals(List.of("no-lost-writes", "no-stale-reads"), sc.checks());
        assertEquals(null, ScenarioLoader.parse("s.yaml", "steps:\n  - kill: leader\n", Overrides.none())
                .workload());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badScenarios")
    void badScenario(String what, String yaml, String lineCol, String message) {
        BadInputException e = assertThrows(BadInputException.class,
                () -> ScenarioLoader.parse("s.yaml", yaml, Overrides.none()));
        List<String> lines = e.problems().stream().map(Problem::toString).toList();
        assertTrue(lines.contains("s.yaml:" + lineCol + ": error: " + message), () -> String.join("\n", lines));
    }

    @Test
    void everyProblemOfAScenarioIsReportedAtOnce() {
        String yaml = "steps:\n  - kil: leader\n  - sleep: forever\n  - start: $nobody\n";
        BadInputException e = assertThrows(BadInputException.class,
                () -> ScenarioLoader.parse("s.yaml", yaml, Overrides.none()));
        assertEquals(List.of(2, 3, 4), e.problems().stream().map(p -> p.pos().line()).toList(), e.getMessage());
    }

    @Test
    void stepsKeepTheirSelectorsForRunTime() {
        Scenario sc = ScenarioLoader.parse("s.yaml", """
                lab: {nodes: 5}
                steps:
                  - isolate: leader
                    as: cut
                  - expect: {leader: changed, within: 5s}
                  - block: {from: $cut, to: follower}
                  - partition: [[leader, follower], rest]
                """, Overrides.none());
        assertEquals(5, sc.lab().members().size());
        assertEquals("leader", sc.steps().get(0).arg("target"));
        assertEquals("cut", sc.steps().get(0).bindAs());
        assertEquals(java.time.Duration.ofSeconds(5), sc.steps().get(1).within());
        assertEquals("$cut", sc.steps().get(2).arg("from"));
        assertEquals(List.of(List.of("leader", "follower"), List.of("rest")), sc.steps().get(3).args().get("groups"));
    }
}
