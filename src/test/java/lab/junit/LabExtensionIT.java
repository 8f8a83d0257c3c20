package lab.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import lab.api.EtcdLab;
import lab.api.LabException;
import lab.api.LabStatus;
import lab.etcd.EtcdHttp;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/**
 * The JUnit 5 extension on a real local lab, as an application's tests use it: the lab as a parameter, faults
 * injected by the tests, undone between them, and a failed test's lab written out.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LabExtensionIT {
    @RegisterExtension
    static LabExtension lab = LabExtension.builder().nodes(3).build();

    static final Duration WAIT = Duration.ofSeconds(20);
    static String killed;

    /** The first test breaks the lab: the leader killed, a follower isolated, a delay. */
    @Test
    @Order(1)
    void aTestBreaksTheLab(EtcdLab cluster) {
        LabStatus before = cluster.awaitHealthy(WAIT);
        assertEquals(3, before.voters());
        String leader = before.leader().orElseThrow();
        killed = cluster.kill(EtcdLab.leader()).get(0);
        assertEquals(leader, killed);
        LabStatus after = cluster.awaitLeader(WAIT);
        assertNotEquals(leader, after.leader().orElseThrow(), "a new leader");
        assertEquals(2, after.running());
        String isolated = cluster.isolate(EtcdLab.follower());
        cluster.delay(EtcdLab.leader(), Duration.ofMillis(50), Duration.ZERO);
        assertEquals("killed", node(cluster.status(), killed).process());
        assertFalse(isolated.equals(killed));
        // with 1 of 3 reachable from the leader's side... the isolated one and the dead one: no quorum
        assertThrows(LabException.class, () -> cluster.awaitQuorum(Duration.ofSeconds(2)),
                "two of three out: no quorum, and the wait says so with the table");
    }

    /** The second test finds it whole: the extension undid the first test's faults. */
    @Test
    @Order(2)
    void theNextTestFindsItWhole(EtcdLab cluster) {
        LabStatus s = cluster.awaitHealthy(WAIT);
        assertEquals(3, s.healthy());
        assertEquals("running", node(s, killed).process());
        assertTrue(s.table().contains("quorum: yes (3/3 healthy, 2 needed)"), s.table());
        EtcdHttp.put(cluster.endpoints().get(0).toString(), "/api", "v", Duration.ofSeconds(2));
        assertEquals(3, cluster.endpointList().split(",").length);
    }

    /** Membership and selectors through the API; a wiped member is replaced by the undo. */
    @Test
    @Order(3)
    void membershipAndAWipe(EtcdLab cluster) {
        cluster.awaitHealthy(WAIT);
        String learner = cluster.addMember(true);
        assertTrue(node(cluster.status(), learner).learner());
        cluster.promote(learner);
        assertEquals(4, cluster.awaitHealthy(WAIT).voters());
        cluster.removeMember(learner);
        assertEquals(3, cluster.awaitHealthy(WAIT).voters());
        cluster.wipe(EtcdLab.follower());
        assertEquals(2, cluster.status().running());
        LabException unknown = assertThrows(LabException.class, () -> cluster.kill("core-09"));
        assertTrue(unknown.getMessage().contains("no node \"core-09\""), unknown.getMessage());
    }

    @Test
    @Order(4)
    void theWipedMemberIsBack(EtcdLab cluster) {
        LabStatus s = cluster.awaitHealthy(WAIT);
        assertEquals(3, s.voters());
        assertEquals(3, s.healthy());
    }

    /** A failing test (run through the JUnit engine here): its lab's status, member list and logs on disk. */
    @Test
    @Order(5)
    void aFailedTestLeavesItsLabOnDisk(@org.junit.jupiter.api.io.TempDir Path reports) throws Exception {
        System.setProperty("lab.reports", reports.toString());
        try {
            Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(FailingSample.class))
                    .execute().testEvents();
            tests.assertStatistics(s -> s.failed(1));
        } finally {
            System.clearProperty("lab.reports");
        }
        Path dir = reports.resolve(FailingSample.class.getName()).resolve("fails");
        String status = Files.readString(dir.resolve("status.txt"));
        assertTrue(status.contains("quorum: ") && status.contains("member list (etcd):"), status);
        assertTrue(Files.readString(dir.resolve("core-01.log")).contains("etcd"), "a node's log");
    }

    /**
     * A scenario file on the extension's lab (use: existing), and a second handle attached by name that sees the same
     * cluster and leaves it running when closed.
     */
    @Test
    @Order(6)
    void aScenarioRunsOnTheLabAndAnAttachedHandleSeesIt(EtcdLab cluster, @org.junit.jupiter.api.io.TempDir Path tmp)
            throws Exception {
        cluster.awaitHealthy(WAIT);
        Path ok = tmp.resolve("follower.yaml");
        Files.writeString(ok, String.join("\n", "name: follower-out", "use: existing", "steps:",
                "  - kill: follower", "    as: victim", "  - expect: {quorum: true, healthy: 2}",
                "  - start: $victim", "  - expect: {healthy: 3, within: 30s}", ""));
        EtcdLab.ScenarioOutcome pass = cluster.run(ok);
        assertTrue(pass.passed(), pass.timeline());
        assertTrue(pass.timeline().matches("(?s).*kill core-0\\d.*start core-0\\d.*"), pass.timeline());
        // the handle sees what the scenario did: the restarted member runs under a pid it never started
        assertEquals(3, cluster.status().running(), cluster.status().table());

        Path wrong = tmp.resolve("wrong.yaml");
        Files.writeString(wrong, String.join("\n", "name: wrong", "use: existing", "steps:",
                "  - expect: {healthy: 5, within: 1s}", ""));
        EtcdLab.ScenarioOutcome fail = cluster.run(wrong);
        assertEquals("FAIL", fail.verdict(), fail.timeline());
        assertEquals(1, fail.failures().size(), fail.failures().toString());

        EtcdLab attached = EtcdLab.attach(cluster.workDir(), cluster.name());
        assertEquals(cluster.status().leader(), attached.status().leader());
        attached.close();
        assertEquals(3, cluster.awaitHealthy(WAIT).healthy(), "closing an attached handle leaves the lab up");
    }

    /** @KeepFaults: the next test finds the member the first one killed still killed (run through the engine). */
    @Test
    @Order(7)
    void keepFaultsLeavesTheFaultsForTheNextTest() {
        Events tests = EngineTestKit.engine("junit-jupiter").selectors(selectClass(KeptSample.class)).execute()
                .testEvents();
        tests.assertStatistics(s -> s.succeeded(2));
        assertEquals("killed", KeptSample.seen, "the fault of the @KeepFaults test was not undone");
    }

    /** Not run by itself: the test above runs it through the engine. */
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class KeptSample {
        @RegisterExtension
        static LabExtension own = LabExtension.builder().nodes(3).build();
        static String killed;
        static String seen;

        @Test
        @Order(1)
        @KeepFaults
        void kills(EtcdLab cluster) {
            cluster.awaitHealthy(WAIT);
            killed = cluster.kill(EtcdLab.follower()).get(0);
        }

        @Test
        @Order(2)
        void findsItKilled(EtcdLab cluster) {
            seen = node(cluster.status(), killed).process();
        }
    }

    /** Not run by itself (a nested class): the test above runs it through the engine. */
    static class FailingSample {
        @RegisterExtension
        LabExtension own = LabExtension.builder().nodes(1).build();

        @Test
        void fails(EtcdLab cluster) {
            cluster.awaitHealthy(WAIT);
            assertEquals(List.of("core-09"), cluster.nodes(), "this test fails on purpose");
        }
    }

    static LabStatus.Node node(LabStatus s, String name) {
        return s.nodes().stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
