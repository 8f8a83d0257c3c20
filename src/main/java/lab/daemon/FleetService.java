package lab.daemon;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import lab.etcd.EtcdHttp;
import lab.fleet.FleetAgent;
import lab.fleet.FleetEngine;
import lab.fleet.FleetMachine;
import lab.fleet.FleetRegistry;
import lab.fleet.ProcessUnitRunner;
import lab.fleet.SystemdUnitRunner;
import lab.fleet.UnitRunner;
import lab.machine.Machine;
import lab.provider.LabDir;
import lab.provider.vagrant.VagrantBackend;
import lab.provider.DaemonView;

/**
 * fleet for a lab, run by its daemon once a `lab fleet` command asked for it: an agent per node (its machine ID
 * derived from the lab and node names, its metadata from the node's user-data, its heartbeat through the node's own
 * etcd) and one engine. Units run as processes, inside the node's namespace on netns; on Flatcar VMs they are systemd
 * units over SSH and a machine's ID is the VM's /etc/machine-id (classic CoreOS boxes run fleet itself: `lab fleet`
 * drives it through fleetctl and the daemon runs none of this).
 */
final class FleetService implements AutoCloseable {
    static final long TICK_MS = 500;
    /** The spec's fleet.agent-ttl: the agents' lease and the engine's. */
    private final long agentTtl;
    private final ScheduledExecutorService loops;
    private final List<FleetAgent> agents = new ArrayList<>();
    private final List<String> endpoints = new ArrayList<>();
    private long engineLease;

    private final long startedAt = System.nanoTime();

    /** "agents N", "registered R", "age-ms T": how far fleet's start has come (`lab fleet list-machines` waits). */
    String progress() {
        long registered = agents.stream().filter(FleetAgent::registered).count();
        return "agents " + agents.size() + "\nregistered " + registered + "\nage-ms "
                + (System.nanoTime() - startedAt) / 1_000_000 + "\n";
    }

    FleetService(Path labRoot, DaemonView view) {
        agentTtl = view.agentTtlSeconds();
        view.members().forEach(m -> endpoints.add(lab.etcd.Tls.scheme(m[1]) + "://" + m[1] + ":2379"));
        loops = Executors.newScheduledThreadPool(Math.max(2, view.nodes().size() + 1), r -> {
            Thread t = new Thread(r, "fleet");
            t.setDaemon(true);
            return t;
        });
        // netns nodes: units run inside the node's namespace (ip netns exec keeps the PID, so stop still works)
        Map<String, String> namespaces = new LinkedHashMap<>();
        lab.provider.netns.NetnsLayout.read(labRoot).ifPresent(l -> l.nodes().forEach(nn -> namespaces.put(nn.node(),
                nn.namespace())));
        // Vagrant VMs (Flatcar: no fleet of its own): units are systemd units over SSH, the VM's machine ID is its
        // /etc/machine-id, and a VM that stops answering stops its agent's heartbeat
        LabDir dir = new LabDir(labRoot.getParent().getParent(), labRoot.getFileName().toString());
        boolean vms = VagrantBackend.profileOf(dir).isPresent();
        for (String[] n : view.nodes()) {
            String endpoint = n[1].equals("worker") ? endpoints.get(0) : lab.etcd.Tls.scheme(n[2]) + "://" + n[2]
                    + ":2379";
            UnitRunner runner;
            String id;
            // what EnvironmentFile=/etc/environment gives units on CoreOS, and every member for etcdctl
            Map<String, String> env = new LinkedHashMap<>();
            env.put("COREOS_PUBLIC_IPV4", n[2]);
            env.put("COREOS_PRIVATE_IPV4", n[2]);
            env.put("ETCDCTL_API", "3");
            env.put("ETCDCTL_ENDPOINTS", String.join(",", endpoints));
            env.putAll(lab.etcd.Tls.etcdctlEnv(endpoints.get(0)));
            env.putAll(lab.etcd.Auth.etcdctlEnv(endpoints.get(0), false)); // units are workload: user lab
            if (vms) {
                Machine m = VagrantBackend.connect(dir, n[0]);
                try {
                    id = SystemdUnitRunner.machineId(m);
                } catch (RuntimeException unreachable) {
                    m.close();
                    continue; // a VM that does not answer now has no agent: fleet never sees that machine
                }
                runner = new SystemdUnitRunner(m, env);
            } else {
                id = machineId(view.name(), n[0]);
                runner = new ProcessUnitRunner(ProcessUnitRunner.unitsDir(dir, n[0]), env,
                        namespaces.containsKey(n[0]) ? List.of("ip", "netns", "exec", namespaces.get(n[0]))
                                : List.of());
            }
            FleetAgent a = new FleetAgent(new FleetMachine(id, metadata(n[3])), n[2], n[0],
                    new FleetRegistry(endpoint), agentTtl, runner);
            agents.add(a);
            loops.scheduleWithFixedDelay(() -> safely(a::tick), 0, TICK_MS, TimeUnit.MILLISECONDS);
        }
        loops.scheduleWithFixedDelay(() -> safely(this::engine), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    /** The engine's pass, on the first member that answers; only while this daemon holds the engine lease. */
    private void engine() {
        for (String e : endpoints) {
            try {
                FleetRegistry r = new FleetRegistry(e);
                if (engineLease == 0 || !EtcdHttp.leaseKeepAlive(e, engineLease, Duration.ofSeconds(1))) {
                    engineLease = EtcdHttp.leaseGrant(e, agentTtl, Duration.ofSeconds(1));
                }
                if (r.leadEngine("lab-daemon", engineLease)) {
                    new FleetEngine(r).reconcile();
                }
                return;
            } catch (RuntimeException failed) {
                engineLease = 0; // that member cannot say; the next one may
            }
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            // a failed pass is retried on the next tick
        }
    }

    /** A machine ID like systemd's (32 hex digits), stable for a node of a lab. */
    static String machineId(String lab, String node) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("lab:" + lab + ":" + node)
                    .getBytes(StandardCharsets.UTF_8));
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 16; i++) {
                b.append(String.format("%02x", d[i]));
            }
            return b.toString();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> metadata(String text) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String kv : text.split(",")) {
            String[] p = kv.trim().split("=", 2);
            if (p.length == 2 && !p[0].isEmpty()) {
                out.put(p[0], p[1]);
            }
        }
        return out;
    }

    @Override
    public void close() {
        loops.shutdownNow();
        try {
            loops.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        agents.forEach(FleetAgent::stopAll);
    }
}
