package lab.provider.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.etcd.EtcdException;
import lab.etcd.EtcdHttp;
import lab.fleet.FleetRegistry;
import lab.fleet.FleetUnit;
import lab.fleet.Job;
import lab.fleet.LabFleet;
import lab.machine.Firewall;
import lab.machine.Machine;
import lab.provider.ClusterStatus;
import lab.provider.Lab;
import lab.provider.Membership;
import lab.provider.Network;
import lab.provider.NodeState;
import lab.provider.Readiness;
import lab.provider.StatusProbe;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import lab.transport.ExecResult;
import lab.transport.LocalTransport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-member netns lab driven only over SSH: etcd through each node's supervisor, faults as iptables rules inside the
 * namespaces. Runs as root (CI does); the lab and everything it made are removed afterwards and checked to be gone.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetnsIT {
    static final Duration SHORT = Duration.ofSeconds(2);

    @TempDir
    static Path work;

    Lab lab;

    @BeforeAll
    void up() {
        lab = NetnsLabs.up(work, "nsit", "10.77.11.0/24", 3);
    }

    @AfterAll
    void down() {
        NetnsLabs.downAndAssertGone(lab);
    }

    @AfterEach
    void restore() {
        Network.heal(lab);
        for (NodeState n : lab.state().members()) {
            lab.start(n.name());
        }
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
    }

    Machine machine(String node) {
        return ((NetnsBackend) lab.backend()).machine(lab, node);
    }

    ClusterStatus status() {
        return StatusProbe.probe(lab, Duration.ofMillis(800));
    }

    @Test
    void everyNodeIsAMachineWithItsOwnAddressReachedOverSsh() {
        for (NodeState n : lab.state().nodes()) {
            ExecResult r = machine(n.name()).exec("ip -4 -o addr show dev eth0; "
                    + "readlink /proc/self/ns/net");
            assertTrue(r.ok(), r.stderr());
            assertTrue(r.stdout().contains("inet " + n.specAddress() + "/24"), r.stdout());
            assertEquals(String.valueOf(n.pid()), machine(n.name()).exec(new lab.machine.NamespaceProfile(
                    NetnsRuntime.node(NetnsBackend.layout(lab.dir()), n.name()).toString(),
                    lab.dir().nodeDir(n.name()).toAbsolutePath().toString()).pid()).stdout().trim(),
                    "the supervisor's PID file names the process the lab recorded");
            assertEquals(n.name(), machine(n.name()).exec("hostname").stdout().trim(), "a hostname of its own");
        }
        String ns1 = machine("core-01").exec("readlink /proc/self/ns/net").stdout();
        assertNotEquals(ns1, machine("core-02").exec("readlink /proc/self/ns/net").stdout(),
                "each node has a network namespace of its own");
    }

    @Test
    void killingTheLeaderOverSshElectsAnother() {
        String old = status().leader().orElseThrow();
        lab.kill(old);
        assertEquals("", machine(old).exec("LAB_NODE_STATE=" + lab.dir().nodeDir(old).toAbsolutePath() + " "
                + NetnsRuntime.node(NetnsBackend.layout(lab.dir()), old) + "/lab-etcd pid").stdout().trim(),
                "the node's supervisor sees no etcd");
        Awaitility.await("a new leader").atMost(Duration.ofSeconds(15)).until(() -> status().leader()
                .filter(l -> !l.equals(old)).isPresent());
        assertFalse(lab.alive(lab.node(old)), "the killed member stays down");
    }

    @Test
    void anIsolatedLeaderLosesLeadershipAndRefusesLinearizableReads() {
        String old = status().leader().orElseThrow();
        EtcdHttp.put(lab.node(old).clientUrl(), "/nsit/before", "1", SHORT);
        Network.isolate(lab, old);
        ExecResult rules = machine(old).exec("iptables -S " + Firewall.CHAIN);
        assertEquals(2, rules.stdout().lines().filter(l -> l.contains("-j DROP")).count(), rules.stdout());
        Awaitility.await("the majority to elect a new leader").atMost(Duration.ofSeconds(20)).until(() ->
                status().nodes().stream().anyMatch(n -> n.leader() && !n.name().equals(old) && n.healthy()));
        String isolated = lab.node(old).clientUrl();
        assertThrows(EtcdException.class, () -> EtcdHttp.get(isolated, "/nsit/before", SHORT),
                "a member cut off from the majority cannot serve a linearizable read");
        String other = lab.state().members().stream().map(NodeState::name).filter(n -> !n.equals(old)).findFirst()
                .orElseThrow();
        EtcdHttp.put(lab.node(other).clientUrl(), "/nsit/during", "2", SHORT);

        Network.heal(lab);
        assertFalse(machine(old).exec("iptables -S").stdout().contains(Firewall.CHAIN),
                "heal removes the lab's chain and nothing else");
        Awaitility.await("the healed member to catch up").atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> EtcdHttp.get(isolated, "/nsit/during", SHORT).equals(Optional.of("2")));
    }

    @Test
    void aOneWayBlockDropsOnlyTheSendersPacketsAtTheReceiver() {
        String leader = status().leader().orElseThrow();
        List<String> followers = lab.state().members().stream().map(NodeState::name).filter(n -> !n.equals(leader))
                .toList();
        String to = followers.get(0);
        String third = followers.get(1);
        Network.block(lab, leader, to);
        assertTrue(machine(to).exec("iptables -S " + Firewall.CHAIN).stdout().contains("-s "
                + lab.node(leader).address() + "/32 -j DROP"));
        assertFalse(machine(leader).exec("iptables -S").stdout().contains(Firewall.CHAIN),
                "the sender's firewall is untouched");
        assertFalse(connects(leader, to), leader + " cannot reach " + to);
        assertTrue(connects(third, to), "other links to " + to + " still work");
        assertTrue(connects(to, third), "and from it");
        assertTrue(connects(third, leader), "and to the sender");
        Awaitility.await("quorum through the links that work").atMost(Duration.ofSeconds(15))
                .until(() -> status().quorum());
        Network.heal(lab);
        assertTrue(connects(leader, to), "heal restores the link");
    }

    private boolean connects(String from, String to) {
        return machine(from).exec("timeout 1 bash -c 'echo > /dev/tcp/" + lab.node(to).address() + "/2379'").ok();
    }

    @Test
    void aRestartedMemberKeepsItsIdAndData() {
        String node = "core-02";
        EtcdHttp.put(lab.node("core-01").clientUrl(), "/nsit/kept", "yes", SHORT);
        String id = lab.node(node).memberId();
        long pid = lab.node(node).pid();
        lab.restart(node);
        assertNotEquals(pid, lab.node(node).pid(), "a new process");
        Readiness.awaitCluster(lab, Duration.ofSeconds(20));
        assertEquals(id, Long.toHexString(EtcdHttp.status(lab.node(node).clientUrl(), SHORT).memberId()));
        assertEquals(Optional.of("yes"), EtcdHttp.get(lab.node(node).clientUrl(), "/nsit/kept", SHORT));
    }

    @Test
    void aWipedMemberLosesItsDataAndComesBackAsANewMemberWhenReplaced() {
        String node = "core-03";
        Path data = lab.dir().nodeDir(node).resolve("data");
        assertTrue(Files.isDirectory(data));
        String oldId = lab.node(node).memberId();
        lab.wipe(node);
        assertFalse(Files.exists(data), "the data directory is gone");
        assertFalse(lab.alive(lab.node(node)));
        assertTrue(status().quorum(), "two of three keep quorum");
        Membership.replace(lab, node);
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        assertEquals(3, Membership.list(lab).size());
        assertNotEquals(oldId, lab.node(node).memberId(), "a replaced member has a new id");
    }

    @Test
    void aDelayRunsPeerTrafficThroughTheLabsProxiesAndHealRemovesThem() {
        String leader = status().leader().orElseThrow();
        String slow = lab.state().members().stream().map(NodeState::name).filter(n -> !n.equals(leader)).findFirst()
                .orElseThrow();
        String fast = lab.state().members().stream().map(NodeState::name).filter(n -> !n.equals(leader)
                && !n.equals(slow)).findFirst().orElseThrow();
        EtcdHttp.put(lab.node(leader).clientUrl(), "/nsit/delay", "1", SHORT);
        Network.delay(lab, slow, "300ms");
        assertTrue(machine(slow).exec("iptables -t nat -S " + Firewall.REDIRECT).stdout().contains("DNAT"),
                "peer connections are redirected to the host's proxies");
        // No direct peer connection outlives the change at either end: every connection a member accepts now comes
        // from the host's proxies (a direct one left open hangs etcd's stream reader at its other end for seconds).
        String host = lab.state().hostSpecAddress();
        for (NodeState n : lab.state().members()) {
            List<String> direct = machine(n.name()).exec("ss -Htn state established '( sport = :2380 )'").stdout()
                    .lines().map(l -> l.trim().split("\\s+")).filter(f -> f.length >= 4)
                    .map(f -> f[3]).filter(peer -> !peer.startsWith(host + ":")).toList();
            assertEquals(List.of(), direct, "direct peer connections still open on " + n.name());
        }
        // A linearizable read through a follower needs a round trip to the leader: 300 ms each way on the slow one.
        Awaitility.await("reads through the slow follower").atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> EtcdHttp.get(lab.node(slow).clientUrl(), "/nsit/delay", SHORT).isPresent());
        long slowMs = timedRead(slow);
        long fastMs = timedRead(fast);
        assertTrue(slowMs >= 300, "through the delayed follower: " + slowMs + " ms");
        assertTrue(fastMs < 200, "through the other follower: " + fastMs + " ms");
        Network.heal(lab);
        for (NodeState n : lab.state().members()) {
            assertFalse(machine(n.name()).exec("iptables -t nat -S; iptables -S").stdout().contains(
                    Firewall.REDIRECT), "heal removes the redirect on " + n.name());
        }
        Awaitility.await("reads are fast again").atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> timedRead(slow) < 200);
    }

    @Test
    void fleetUnitsRunInsideTheNodeThatTheEngineChose() throws Exception {
        String text = "[Service]\nExecStart=/bin/sh -c 'while true; do sleep 1; done'\n";
        FleetRegistry registry = LabFleet.registry(lab);
        registry.submit(FleetUnit.parse("inside.service", text), text);
        registry.targetState("inside.service", Job.TargetState.LAUNCHED);
        Path pidFile = Awaitility.await("the unit to start").atMost(Duration.ofSeconds(20)).until(() -> {
            for (NodeState n : lab.state().nodes()) {
                Path f = lab.dir().nodeDir(n.name()).resolve("units/inside.service.pid");
                if (java.nio.file.Files.exists(f)) {
                    return f;
                }
            }
            return null;
        }, java.util.Objects::nonNull);
        String node = pidFile.getParent().getParent().getFileName().toString();
        String pid = java.nio.file.Files.readString(pidFile).trim().split("\\s+")[0];
        String ns = new LocalTransport(Map.of()).exec("ip netns identify " + pid,
                Duration.ofSeconds(5)).stdout().trim();
        assertEquals(NetnsBackend.layout(lab.dir()).node(node).orElseThrow().namespace(), ns,
                "the unit's process lives in its node's namespace");
        assertTrue(registry.machines().containsValue(lab.node(node).address()),
                "and that node's machine is registered with its address");
        registry.destroy("inside.service");
    }

    /** A scenario's exec step runs on the node it names, not on this machine (it used to: as root, here). */
    @Test
    void execRunsOnTheNodeAsItsLoginUser() {
        ExecResult r = lab.exec("core-02", "hostname; echo $ETCDCTL_ENDPOINTS; ip -4 -o addr show dev eth0",
                Map.of("ETCDCTL_ENDPOINTS", lab.node("core-02").clientUrl()), Duration.ofSeconds(10));
        assertTrue(r.ok(), r.stderr());
        List<String> lines = r.stdout().lines().toList();
        assertEquals("core-02", lines.get(0));
        assertEquals(lab.node("core-02").clientUrl(), lines.get(1));
        assertTrue(lines.get(2).contains("inet " + lab.node("core-02").specAddress() + "/24"), r.stdout());
    }

    /**
     * What root executes or trusts on the nodes (the supervisor, etcd.run, sshd's configuration and keys) lives in
     * /run/lab/<id>, which only root can write, never in the lab's directory in the user's work tree.
     */
    @Test
    void rootRunsAndTrustsNothingFromTheLabsOwnDirectory() throws Exception {
        try (var files = Files.walk(lab.dir().root())) {
            List<String> names = files.map(p -> p.getFileName().toString()).toList();
            for (String f : List.of("lab-etcd", "etcd.run", "sshd_config", "authorized_keys", "ssh_host_ed25519_key")) {
                assertFalse(names.contains(f), f + " must not be under " + lab.dir().root());
            }
        }
        Path runtime = NetnsRuntime.root(NetnsBackend.layout(lab.dir()));
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(runtime)));
        assertEquals("root", Files.getOwner(runtime).getName());
        assertTrue(Files.readString(runtime.resolve("core-01/sshd_config")).contains("StrictModes yes"));
        assertTrue(Files.isExecutable(runtime.resolve("core-01/lab-etcd")));
    }

    /**
     * A fault that reached only some nodes (one could not be reached over SSH) is healed on every node: heal does
     * not trust the rules recorded, which before this fix were written only once every node had taken them.
     */
    @Test
    void aPartlyAppliedPartitionIsHealedEverywhere() {
        String ns = NetnsBackend.layout(lab.dir()).node("core-03").orElseThrow().namespace();
        LocalTransport host = new LocalTransport(Map.of());
        String refuseSsh = "ip netns exec " + ns + " iptables -I INPUT -p tcp --dport 22 -j REJECT --reject-with "
                + "tcp-reset";
        ((NetnsBackend) lab.backend()).machine(lab, "core-03").close(); // a new connection, refused
        assertTrue(host.exec(refuseSsh, SHORT).ok());
        try {
            assertThrows(RuntimeException.class, () -> Network.isolate(lab, "core-01"));
            assertTrue(machine("core-02").exec("iptables -S " + Firewall.CHAIN).stdout().contains("-j DROP"),
                    "core-02 took its part of the partition");
        } finally {
            assertTrue(host.exec(refuseSsh.replace(" -I INPUT", " -D INPUT"), SHORT).ok());
        }
        Network.heal(lab);
        for (NodeState n : lab.state().members()) {
            assertFalse(machine(n.name()).exec("iptables -S").stdout().contains(Firewall.CHAIN),
                    n.name() + " has no fault left after heal");
        }
    }

    private long timedRead(String node) {
        long t0 = System.nanoTime();
        EtcdHttp.get(lab.node(node).clientUrl(), "/nsit/delay", SHORT);
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
