package lab.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.etcd.EtcdHttp;
import lab.provider.Lab;
import lab.provider.NodeState;
import lab.provider.Readiness;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Agents and an engine on a real 3-member cluster, units as real processes: a unit that registers itself in etcd
 * runs on one machine; when that machine's node is killed, its agent stops heartbeating, the engine moves the unit,
 * its registration follows, and nothing stays registered for the dead machine.
 */
class FleetAgentIT {
    static final long TTL = 3;
    static final String HELLO = String.join("\n", "[Unit]", "Description=hello, registered as /test/%m",
            "[Service]", "ExecStartPre=-etcdctl del /test/%m", "ExecStart=/bin/sh -c 'while true; do sleep 1; done'",
            "ExecStartPost=etcdctl put /test/%m %H", "ExecStopPost=-etcdctl del /test/%m",
            "[X-Fleet]", "MachineMetadata=role=app", "");

    @TempDir
    Path work;

    Lab lab;
    final List<FleetAgent> agents = new ArrayList<>();
    ScheduledExecutorService loops;

    @AfterEach
    void down() throws InterruptedException {
        if (loops != null) {
            loops.shutdownNow();
            loops.awaitTermination(10, TimeUnit.SECONDS);
        }
        agents.forEach(FleetAgent::stopAll);
        if (lab != null) {
            lab.destroy();
        }
    }

    String live() {
        return lab.liveEndpoints().get(0);
    }

    SortedMap<String, String> registered() {
        return EtcdHttp.range(live(), "/test/", Duration.ofSeconds(2));
    }

    @Test
    void aUnitMovesWhenItsMachineDiesAndItsRegistrationFollows() {
        lab = Lab.create(work, SpecLoader.parse("lab.yaml", "name: fleetagent\nnodes: 3\n", Overrides.none()).spec(),
                null, s -> { });
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        String endpoints = String.join(",", lab.liveEndpoints());
        // The followers are the app machines: killing one then changes no etcd leader. A new leader extends every
        // lease by an election timeout, which would add to the TTL this test measures.
        String leader = lab.state().members().stream().filter(n -> EtcdHttp.status(n.clientUrl(),
                Duration.ofSeconds(1)).isLeader()).map(NodeState::name).findFirst().orElseThrow();
        loops = Executors.newScheduledThreadPool(4);
        int i = 0;
        for (NodeState n : lab.state().members()) {
            String id = (++i) + "0000000" + "abcdef0123456789abcdef01234567";
            ProcessUnitRunner runner = new ProcessUnitRunner(lab.dir().nodeDir(n.name()).resolve("units"), Map.of(
                    "COREOS_PUBLIC_IPV4", n.address(), "COREOS_PRIVATE_IPV4", n.address(), "ETCDCTL_API", "3",
                    "ETCDCTL_ENDPOINTS", endpoints));
            FleetMachine m = n.name().equals(leader) ? FleetMachine.of(id) : new FleetMachine(id, Map.of("role",
                    "app"));
            FleetAgent a = new FleetAgent(m, n.address(), n.name(),
                    new FleetRegistry(n.clientUrl()), TTL, runner);
            agents.add(a);
            loops.scheduleWithFixedDelay(a::tick, 0, 300, TimeUnit.MILLISECONDS);
        }
        loops.scheduleWithFixedDelay(() -> {
            try {
                FleetRegistry r = new FleetRegistry(live());
                long lease = EtcdHttp.leaseGrant(r.endpoint(), TTL, Duration.ofSeconds(1));
                if (r.leadEngine("engine", lease)) {
                    new FleetEngine(r).reconcile();
                }
            } catch (RuntimeException e) {
                // a pass that fails (a member just died) is retried on the next one
            }
        }, 0, 300, TimeUnit.MILLISECONDS);

        FleetRegistry registry = new FleetRegistry(live());
        registry.submit(FleetUnit.parse("hello.service", HELLO), HELLO);
        registry.targetState("hello.service", Job.TargetState.LAUNCHED);
        Awaitility.await("hello to register itself").atMost(Duration.ofSeconds(15)).ignoreExceptions()
                .until(() -> registered().size() == 1);
        String first = registered().firstKey().substring("/test/".length());
        FleetAgent host = agents.stream().filter(a -> a.machine().id().equals(first)).findFirst().orElseThrow();
        assertEquals(java.util.Set.of("hello.service"), host.running(), "the agent of that machine runs it");
        String node = lab.state().members().get(agents.indexOf(host)).name();

        long t0 = System.nanoTime();
        lab.kill(node);
        Awaitility.await("hello to move").atMost(Duration.ofSeconds(TTL * 4)).ignoreExceptions()
                .until(() -> registered().size() == 1 && !registered().firstKey().endsWith(first));
        double moved = (System.nanoTime() - t0) / 1e9;
        String second = registered().firstKey().substring("/test/".length());
        assertNotEquals(first, second);
        assertTrue(moved <= TTL + 1.5, "moved within agent TTL + a reconcile interval (and the unit's start): "
                + moved + " s");
        System.out.printf("hello.service moved from %s to %s %.2f s after its node was killed (TTL %d s)%n",
                first.substring(0, 8), second.substring(0, 8), moved, TTL);
        Awaitility.await("the dead machine's agent to stop its copy").atMost(Duration.ofSeconds(TTL * 2))
                .until(() -> host.running().isEmpty());
        assertEquals(1, registered().size(), "nothing stays registered for the dead machine: " + registered());
    }
}
