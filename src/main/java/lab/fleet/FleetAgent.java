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
    /** How old the jobs an agent acts on may be (it ticks every 500 ms; agents of one member share a read). */
    private static final Duration JOBS_AGE = Duration.ofMillis(300);
    /** How often the lease is renewed: well within any TTL fleet allows (whole seconds). */
    private static final long RENEW_NANOS = 1_000_000_000L;
    private final FleetMachine machine;
    private final String publicIp;
    private final String hostname;
    private final FleetRegistry registry;
    private final long ttlSeconds;
    private final UnitRunner runner;
    private final Set<String> mine = new HashSet<>();
    private long lease;
    private long lastRenewed = System.nanoTime();
    /** When the machine's key was last written (nanoTime), 0 before. */
    private long lastWritten;
    /** The state last reported per unit under the current lease: reported again only when it changes. */
    private final Map<String, Boolean> published = new HashMap<>();
    /** Set once the machine registered in etcd for the first time (a new lab's agents take a moment). */
    private volatile boolean registered;

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
            boolean fresh = false;
            long now = System.nanoTime();
            if (lease == 0 || now - lastRenewed >= RENEW_NANOS) {
                if (lease == 0 || !EtcdHttp.leaseKeepAlive(registry.endpoint(), lease, CALL)) {
                    lease = EtcdHttp.leaseGrant(registry.endpoint(), ttlSeconds, CALL);
                    fresh = true;
                }
                lastRenewed = now;
            }
            // The machine's key lives as long as its lease: written again only under a new lease, and once per TTL
            // in case it was deleted (a write per agent and tick made 59 agents write 118 times a second through
            // raft, which on 2 cores slowed every command of a 60-node lab).
            if (fresh || System.nanoTime() - lastWritten > ttlSeconds * 1_000_000_000L) {
                registry.register(machine, publicIp, lease);
                lastWritten = System.nanoTime();
                published.clear(); // the unit states were under the old lease: written again below
            }
            registered = true;
        } catch (RuntimeException e) {
            if (System.nanoTime() - lastRenewed > ttlSeconds * 1_000_000_000L) {
                stopAll(); // the cluster has given this machine up
            }
            return;
        }
        List<Job> jobs;
        try {
            jobs = registry.recentJobs(JOBS_AGE);
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
        published.keySet().retainAll(mine);
        for (String u : mine) {
            boolean up = upNow.computeIfAbsent(u, runner::running);
            if (Boolean.valueOf(up).equals(published.get(u))) {
                continue; // reported under this lease already: the lease keeps the report
            }
            try {
                registry.publishState(u, machine.id(), up ? "active" : "failed", up ? "running" : "failed", lease);
                published.put(u, up);
            } catch (RuntimeException e) {
                return;
            }
        }
    }

    /** Stops every unit of this machine. */
    public synchronized void stopAll() {
        runner.stopAll();
        published.clear();
        mine.clear();
    }

    public synchronized Set<String> running() {
        Set<String> out = new HashSet<>();
        mine.stream().filter(runner::running).forEach(out::add);
        return out;
    }

    /** Whether this machine has registered in etcd at least once. */
    public boolean registered() {
        return registered;
    }
}
