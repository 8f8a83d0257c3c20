package lab.fleet;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.etcd.EtcdHttp;

/**
 * A machine's fleet agent: keeps the machine registered under a lease it renews (through its own node's etcd, so a
 * killed or isolated node stops heartbeating), runs the units the registry assigns to it (and the global units that
 * apply to it), stops the ones it no longer should, and reports their state. When it cannot renew its lease for a TTL,
 * its machine is gone for the cluster: it stops its units, as a dead machine runs nothing.
 */
public final class FleetAgent {
    private static final Duration CALL = Duration.ofSeconds(1);
    private final FleetMachine machine;
    private final String publicIp;
    private final String hostname;
    private final FleetRegistry registry;
    private final long ttlSeconds;
    private final UnitRunner runner;
    private final Set<String> mine = new HashSet<>();
    private long lease;
    private long lastRenewed = System.nanoTime();

    public FleetAgent(FleetMachine machine, String publicIp, String hostname, FleetRegistry registry, long ttlSeconds,
                      UnitRunner runner) {
        this.machine = machine;
        this.publicIp = publicIp;
        this.hostname = hostname;
        this.registry = registry;
        this.ttlSeconds = ttlSeconds;
        this.runner = runner;
    }

    public FleetMachine machine() {
        return machine;
    }

    /** One heartbeat and reconcile; call it every second or so. */
    public synchronized void tick() {
        try {
            if (!runner.reachable()) {
                throw new IllegalStateException("machine does not answer");
            }
            if (lease == 0 || !EtcdHttp.leaseKeepAlive(registry.endpoint(), lease, CALL)) {
                lease = EtcdHttp.leaseGrant(registry.endpoint(), ttlSeconds, CALL);
            }
            registry.register(machine, publicIp, lease);
            lastRenewed = System.nanoTime();
        } catch (RuntimeException e) {
            if (System.nanoTime() - lastRenewed > ttlSeconds * 1_000_000_000L) {
                stopAll(); // the cluster has given this machine up
            }
            return;
        }
        List<Job> jobs;
        try {
            jobs = registry.jobs();
        } catch (RuntimeException e) {
            return;
        }
        List<Job> launched = jobs.stream().filter(j -> j.target() == Job.TargetState.LAUNCHED).toList();
        Set<String> desired = new HashSet<>(ClusterState.desired(machine, launched));
        for (String u : Set.copyOf(mine)) {
            if (!desired.contains(u)) {
                runner.stop(u);
                mine.remove(u);
                try {
                    registry.clearState(u, machine.id());
                } catch (RuntimeException e) {
                    // the state goes with the lease if etcd cannot be told now
                }
            }
        }
        // one look per unit and tick (on a VM each is an SSH exec), a second only after starting it
        Map<String, Boolean> upNow = new HashMap<>();
        for (Job j : launched) {
            if (desired.contains(j.name())) {
                boolean up = runner.running(j.name());
                if (!up) {
                    runner.start(j.unit(), UnitRunner.specifiers(j.name(), machine.id(), hostname));
                    mine.add(j.name());
                    up = runner.running(j.name());
                }
                upNow.put(j.name(), up);
            }
        }
        for (String u : mine) {
            boolean up = upNow.computeIfAbsent(u, runner::running);
            try {
                registry.publishState(u, machine.id(), up ? "active" : "failed", up ? "running" : "failed", lease);
            } catch (RuntimeException e) {
                return;
            }
        }
    }

    /** Stops every unit of this machine. */
    public synchronized void stopAll() {
        runner.stopAll();
        mine.clear();
    }

    public synchronized Set<String> running() {
        Set<String> out = new HashSet<>();
        mine.stream().filter(runner::running).forEach(out::add);
        return out;
    }
}
