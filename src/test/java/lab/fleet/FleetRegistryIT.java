package lab.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.etcd.EtcdHttp;
import lab.provider.Lab;
import lab.provider.Readiness;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * fleet's registry and engine on a real 3-member etcd: machines registered under leases, units placed by fleet's
 * rules, a machine whose heartbeat stops expires and its unit moves, one engine at a time.
 */
class FleetRegistryIT {
    static final long TTL = 2;

    @TempDir
    Path work;

    Lab lab;
    FleetRegistry registry;

    @BeforeEach
    void up() {
        lab = Lab.create(work, SpecLoader.parse("lab.yaml", "name: fleetreg\nnodes: 3\n", Overrides.none()).spec(),
                null, s -> { });
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        registry = new FleetRegistry(lab.liveEndpoints().get(0));
    }

    @AfterEach
    void down() {
        if (lab != null) {
            lab.destroy();
        }
    }

    long register(String id, String... metadata) {
        long lease = EtcdHttp.leaseGrant(registry.endpoint(), TTL, Duration.ofSeconds(2));
        Map<String, String> md = new java.util.LinkedHashMap<>();
        for (String kv : metadata) {
            md.put(kv.split("=")[0], kv.split("=")[1]);
        }
        registry.register(new FleetMachine(id, md), "172.17.8.10" + id.charAt(0), lease);
        return lease;
    }

    static final String SINATRA = "[Unit]\nDescription=sinatra on %i\n[Service]\nExecStart=/bin/sleep 1000\n"
            + "[X-Fleet]\nConflicts=sinatra@*.service\n";

    Optional<String> target(String unit) {
        return registry.jobs().stream().filter(j -> j.name().equals(unit)).findFirst().map(Job::machine);
    }

    @Test
    void conflictingUnitsGoToDifferentMachinesAndMoveWhenTheirMachineStopsHeartbeating() {
        long a = register("1aaaaaaa");
        long b = register("2bbbbbbb");
        long c = register("3ccccccc");
        for (String u : List.of("sinatra@5000.service", "sinatra@5001.service")) {
            registry.submit(FleetUnit.parse(u, SINATRA), SINATRA);
            registry.targetState(u, Job.TargetState.LAUNCHED);
        }
        List<ClusterState.Task> tasks = new FleetEngine(registry).reconcile();
        assertEquals(2, tasks.size(), tasks.toString());
        String m0 = target("sinatra@5000.service").orElseThrow();
        String m1 = target("sinatra@5001.service").orElseThrow();
        assertNotEquals(m0, m1, "Conflicts keeps them apart");
        assertEquals("1aaaaaaa", m0, "least loaded, ties to the lowest machine id");
        assertTrue(EtcdHttp.get(registry.endpoint(), FleetRegistry.ROOT + "job/sinatra@5000.service/target",
                Duration.ofSeconds(2)).isPresent(), "visible to etcdctl under /_coreos.com/fleet");

        // machine 1aaaaaaa stops heartbeating; the others keep theirs alive
        long t0 = System.nanoTime();
        Awaitility.await("1aaaaaaa to expire").atMost(Duration.ofSeconds(TTL * 3)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    EtcdHttp.leaseKeepAlive(registry.endpoint(), b, Duration.ofSeconds(2));
                    EtcdHttp.leaseKeepAlive(registry.endpoint(), c, Duration.ofSeconds(2));
                    return registry.machines().keySet().stream().noneMatch(m -> m.id().equals("1aaaaaaa"));
                });
        double expired = (System.nanoTime() - t0) / 1e9;
        assertTrue(expired <= TTL + 1.5, "gone within the TTL: " + expired + " s");
        List<ClusterState.Task> moved = new FleetEngine(registry).reconcile();
        assertTrue(moved.stream().anyMatch(t -> t.toString().contains("target Machine(1aaaaaaa) went away")),
                moved.toString());
        String now = target("sinatra@5000.service").orElseThrow();
        assertEquals("3ccccccc", now, "to the survivor that does not run the other instance");
        assertFalse(EtcdHttp.leaseKeepAlive(registry.endpoint(), a, Duration.ofSeconds(2)), "its lease is gone");
    }

    @Test
    void aUnitNobodyCanRunStaysPendingAndOneEngineLeadsAtATime() {
        register("1aaaaaaa", "role=worker");
        String text = "[Service]\nExecStart=/bin/true\n[X-Fleet]\nMachineMetadata=role=database\n";
        registry.submit(FleetUnit.parse("db.service", text), text);
        registry.targetState("db.service", Job.TargetState.LAUNCHED);
        FleetEngine engine = new FleetEngine(registry);
        assertEquals(List.of(), engine.reconcile());
        assertEquals(Optional.empty(), target("db.service"));
        assertEquals(Map.of("db.service", "no agents able to run job"), engine.pending());
        long l1 = EtcdHttp.leaseGrant(registry.endpoint(), TTL, Duration.ofSeconds(2));
        long l2 = EtcdHttp.leaseGrant(registry.endpoint(), TTL, Duration.ofSeconds(2));
        assertTrue(registry.leadEngine("1aaaaaaa", l1));
        assertFalse(registry.leadEngine("2bbbbbbb", l2), "the lease is held");
        assertTrue(registry.leadEngine("1aaaaaaa", l1), "the holder keeps it");
        // the holder stops renewing: the other engine takes over once the lease expires
        Awaitility.await("the other engine to take over").atMost(Duration.ofSeconds(TTL * 3))
                .pollInterval(Duration.ofMillis(200)).until(() -> EtcdHttp.leaseKeepAlive(registry.endpoint(), l2,
                        Duration.ofSeconds(2)) && registry.leadEngine("2bbbbbbb", l2));
        assertFalse(registry.leadEngine("1aaaaaaa", l1));
    }
}
