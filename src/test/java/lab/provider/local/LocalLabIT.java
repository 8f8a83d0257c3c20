package lab.provider.local;

import lab.provider.Lab;
import lab.provider.Membership;
import lab.provider.Processes;
import lab.provider.Readiness;
import lab.provider.StatusProbe;
import lab.provider.Elections;
import lab.provider.Targets;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import lab.etcd.EtcdException;
import lab.etcd.EtcdHttp;
import lab.etcd.Member;
import lab.etcd.MemberStatus;
import lab.provider.ClusterStatus;
import lab.provider.NodeState;
import lab.render.NodeEtcd;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The local provider on real etcd (Debian's 3.4): bring-up, node faults and membership. */
class LocalLabIT extends LocalLabTest {
    static final Duration CALL = Duration.ofSeconds(3);

    static ClusterStatus status(Lab lab) {
        return StatusProbe.probe(lab, Duration.ofMillis(500));
    }

    @ParameterizedTest(name = "{0} member(s)")
    @ValueSource(ints = {1, 3, 5})
    void bringUpFormsAClusterThatAcceptsWritesAndDownLeavesNothing(int members) {
        Lab lab = labs.up("up" + members, members);
        ClusterStatus s = status(lab);
        assertTrue(s.quorum(), s.summary());
        assertEquals(members, s.voters());
        assertEquals(members, s.healthyVoters());
        assertTrue(s.leader().isPresent(), s.summary());
        assertEquals(members, Membership.list(lab).size());
        for (NodeState n : lab.state().members()) {
            // The spec's 172.17.8.1xx mapped into the lab's loopback block, never 127.0.x.x (127.0.0.1 may be taken).
            String expected = "127." + lab.state().block() + ".8." + n.specAddress().substring("172.17.8.".length());
            assertEquals(expected, n.address());
            assertNotEquals(0, lab.state().block());
        }
        List<long[]> pids = LabFixture.processes(lab);
        lab.destroy();
        for (long[] p : pids) {
            assertFalse(Processes.alive(p[0], p[1]), "process " + p[0] + " still runs after down");
        }
        assertFalse(Files.exists(lab.dir().root()));
    }

    @Test
    void aRebootOfALocalNodeIsARestartOfItsEtcdAndAPowerOffAKill() {
        Lab lab = labs.up("reboot", 3);
        String node = "core-02";
        String id = lab.node(node).memberId();
        long pid = lab.node(node).pid();
        lab.reboot(node);
        assertNotEquals(pid, lab.node(node).pid(), "a new process");
        assertEquals(NodeState.Process.RUNNING, lab.node(node).process());
        Readiness.awaitCluster(lab, Duration.ofSeconds(20));
        assertEquals(id, MemberStatus.hex(EtcdHttp.status(lab.node(node).clientUrl(), CALL).memberId()));
        NodeState running = lab.node(node);
        lab.powerOff(node);
        assertEquals(NodeState.Process.KILLED, lab.node(node).process());
        assertFalse(Processes.alive(running.pid(), running.startedAt()), "etcd is gone");
    }

    @Test
    void killedLeaderIsReplacedAndComesBackWithItsIdAndData() {
        Lab lab = labs.up("kill", 3);
        String old = status(lab).leader().orElseThrow();
        String oldId = lab.node(old).memberId();
        EtcdHttp.put(lab.node(old).clientUrl(), "/k/before", "1", CALL);
        long t = System.nanoTime();
        lab.kill(old);
        Elections.Leader next = Elections.awaitNewLeader(lab, old, t, Duration.ofSeconds(15));
        assertNotEquals(old, next.node());
        assertTrue(next.term() >= 3, "a new term: " + next.term());
        EtcdHttp.put(lab.node(next.node()).clientUrl(), "/k/during", "2", CALL);
        lab.start(old);
        Readiness.awaitCluster(lab, Duration.ofSeconds(20));
        MemberStatus back = EtcdHttp.status(lab.node(old).clientUrl(), CALL);
        assertEquals(oldId, MemberStatus.hex(back.memberId()), "same member id after restart");
        assertEquals("1", EtcdHttp.get(lab.node(old).clientUrl(), "/k/before", CALL).orElseThrow());
        assertEquals("2", EtcdHttp.get(lab.node(old).clientUrl(), "/k/during", CALL).orElseThrow());
    }

    @Test
    void wipedMemberIsReplacedUnderItsNameWithANewId() {
        Lab lab = labs.up("wipe", 3);
        EtcdHttp.put(lab.liveEndpoints().get(0), "/k", "kept", CALL);
        String victim = Targets.resolve(lab, "follower", new Random(1));
        String oldId = lab.node(victim).memberId();
        lab.wipe(victim);
        assertEquals(NodeState.Process.WIPED, lab.node(victim).process());
        assertFalse(Files.exists(lab.dir().dataDir(victim)));
        Membership.replace(lab, victim);
        Readiness.awaitCluster(lab, Duration.ofSeconds(20));
        String newId = MemberStatus.hex(EtcdHttp.status(lab.node(victim).clientUrl(), CALL).memberId());
        assertNotEquals(oldId, newId);
        assertEquals(3, Membership.list(lab).size());
        assertEquals("kept", EtcdHttp.get(lab.node(victim).clientUrl(), "/k", CALL).orElseThrow());
    }

    @Test
    void growsFromOneToThreeToFiveOneMemberAtATime() {
        Lab lab = labs.up("grow", 1);
        for (int size = 2; size <= 5; size++) {
            Membership.add(lab, null, false);
            Readiness.awaitCluster(lab, Duration.ofSeconds(20));
            assertEquals(size, Membership.list(lab).size());
        }
        ClusterStatus s = status(lab);
        assertEquals(5, s.voters());
        assertEquals(5, s.healthyVoters(), s.summary());
        assertEquals(List.of("core-01", "core-02", "core-03", "core-04", "core-05"),
                Membership.list(lab).stream().map(Member::name).sorted().toList());
    }

    @Test
    void learnerIsAddedThenPromoted() {
        Lab lab = labs.up("learn", 3);
        String name = Membership.add(lab, null, true);
        Awaitility.await("the learner to start").atMost(Duration.ofSeconds(15))
                .until(() -> Membership.list(lab).stream().anyMatch(m -> m.name().equals(name) && m.learner()));
        assertEquals(3, status(lab).voters(), "a learner does not vote");
        Membership.promote(lab, name);
        // the member list may come from a member that applies the promotion a moment later
        Awaitility.await("no learner left").atMost(Duration.ofSeconds(5)).until(() -> Membership.list(lab).stream()
                .noneMatch(Member::learner));
        Readiness.awaitCluster(lab, Duration.ofSeconds(20));
        assertEquals(4, status(lab).voters());
    }

    @Test
    void promotionWaitsForALearnerThatIsBehindAndNamesOneThatNeverCatchesUp() throws Exception {
        Lab lab = labs.up("behind", 3);
        String name = Membership.add(lab, null, true);
        Awaitility.await("the learner to start").atMost(Duration.ofSeconds(15))
                .until(() -> Membership.list(lab).stream().anyMatch(m -> m.name().equals(name) && m.learner()));
        // Frozen, the learner falls behind: the leader's log grows past the 90% etcd wants before a promotion.
        lab.pause(name);
        String ep = lab.liveEndpoints().get(0);
        for (int i = 0; i < 200; i++) {
            EtcdHttp.put(ep, "/behind/" + i, "x", CALL);
        }
        EtcdException never = assertThrows(EtcdException.class,
                () -> Membership.promote(lab, name, Duration.ofSeconds(2)));
        assertEquals(EtcdException.Kind.REFUSED, never.kind(), "etcd's refusal, typed");
        assertTrue(never.getMessage().startsWith(name + " did not catch up with the leader within 2 s"),
                never.getMessage());
        assertTrue(Membership.list(lab).stream().anyMatch(m -> m.name().equals(name) && m.learner()),
                "a refused promotion leaves a learner");

        Thread thaw = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            lab.resume(name);
        });
        long t0 = System.nanoTime();
        thaw.start();
        Membership.promote(lab, name);
        double waited = (System.nanoTime() - t0) / 1e9;
        thaw.join();
        assertTrue(waited >= 1.4, "promoted after " + waited + " s, before the learner was thawed");
        Awaitility.await("no learner left").atMost(Duration.ofSeconds(5)).until(() -> Membership.list(lab).stream()
                .noneMatch(Member::learner));
        Readiness.awaitCluster(lab, Duration.ofSeconds(20));
        assertEquals(4, status(lab).voters());
        assertEquals("x", EtcdHttp.get(lab.node(name).clientUrl(), "/behind/199", CALL).orElseThrow());
    }

    @Test
    void removedMemberLeavesTheClusterAndStops() {
        Lab lab = labs.up("remove", 3);
        String victim = Targets.resolve(lab, "follower", new Random(2));
        NodeState before = lab.node(victim);
        Membership.remove(lab, victim);
        assertEquals(2, Membership.list(lab).size());
        assertFalse(Processes.alive(before.pid(), before.startedAt()));
        assertEquals(NodeState.Process.REMOVED, lab.node(victim).process());
        ClusterStatus s = status(lab);
        assertEquals(2, s.voters());
        assertTrue(s.quorum(), s.summary());
    }

    @Test
    void theLastMemberCannotBeRemovedAndUnknownNodesAreNamed() {
        Lab lab = labs.up("last", 1);
        BadInputException last = assertThrows(BadInputException.class, () -> Membership.remove(lab, "core-01"));
        assertTrue(last.getMessage().contains("it is the last member"), last.getMessage());
        BadInputException unknown = assertThrows(BadInputException.class, () -> lab.kill("core-09"));
        assertEquals("no node \"core-09\" in lab \"last\"; it has core-01", unknown.getMessage());
        assertTrue(status(lab).quorum(), "nothing happened to the cluster");
    }

    @Test
    void pausedMemberStopsAnsweringAndResumes() {
        Lab lab = labs.up("pause", 3);
        String f = Targets.resolve(lab, "follower", new Random(3));
        lab.pause(f);
        assertThrows(EtcdException.class, () -> EtcdHttp.status(lab.node(f).clientUrl(), Duration.ofMillis(300)));
        assertTrue(status(lab).quorum());
        lab.resume(f);
        Readiness.awaitCluster(lab, Duration.ofSeconds(20));
    }

    @Test
    void statusAnswersPromptlyWithMembersDeadOrFrozen() {
        Lab lab = labs.up("status", 3);
        List<String> members = lab.state().members().stream().map(NodeState::name).toList();
        lab.kill(members.get(0));
        lab.pause(members.get(1));
        long t = System.nanoTime();
        ClusterStatus s = StatusProbe.probe(lab, Duration.ofMillis(400));
        long ms = (System.nanoTime() - t) / 1_000_000;
        assertFalse(s.quorum(), s.summary());
        // The one member left running cannot serve a linearizable read alone: nobody is healthy.
        assertTrue(s.summary().startsWith("quorum: no (0/3 healthy, 2 needed), leader none"), s.summary());
        assertTrue(ms < 3000, "per-node timeouts bound the answer: " + ms + " ms");
        lab.resume(members.get(1));
    }

    @Test
    void discoveryBootstrapThroughTheLabsOwnService() {
        Lab lab = labs.up("disco", "bootstrap: discovery\nnodes: 3\n");
        assertTrue(lab.state().discovery());
        String log = LocalLabIT.read(lab.dir().log("core-01"));
        assertTrue(log.contains("discovery URL= http://127."), "etcd bootstrapped through discovery:\n" + log);
        assertTrue(log.contains("discovery: found peer"), log);
        assertEquals(3, Membership.list(lab).size());
        assertTrue(status(lab).quorum());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"flatcar", "coreos"})
    void proxiesPassClientsThroughAndWorkersRunNoEtcd(String profile) {
        Lab lab = labs.up("shape-" + profile, "profile: " + profile + "\nnodes: 3\ngroups:\n"
                + "  - {role: proxy, count: 1}\n  - {role: worker, count: 1, metadata: role=worker}\n");
        NodeState proxy = lab.node("core-04");
        NodeState worker = lab.node("core-05");
        assertEquals(profile.equals("flatcar") ? NodeEtcd.Kind.GATEWAY : NodeEtcd.Kind.V2_PROXY,
                proxy.kind());
        assertEquals(NodeEtcd.Kind.NONE, worker.kind());
        assertEquals(0, worker.pid(), "a worker runs no etcd");
        if (profile.equals("flatcar")) {
            EtcdHttp.put(proxy.clientUrl(), "/via/gateway", "yes", CALL);
            assertEquals("yes", EtcdHttp.get(lab.liveEndpoints().get(0), "/via/gateway", CALL).orElseThrow());
        } else {
            assertTrue(EtcdHttp.httpHealth(proxy.clientUrl(), CALL), "the etcd2 proxy reaches the members");
        }
        assertTrue(status(lab).nodes().stream().filter(n -> n.name().equals("core-04")).findFirst().orElseThrow()
                .healthy());
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
