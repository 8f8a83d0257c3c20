package lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.Map;
import lab.etcd.EtcdHttp;
import lab.provider.NodeState;
import lab.provider.Lab;
import lab.provider.Membership;
import lab.provider.Network;
import lab.provider.Readiness;
import lab.provider.Recovery;
import java.nio.file.Path;
import lab.spec.Durations;
import lab.transport.ExecResult;

/** Carries out a scenario's actions on the lab; returns what was done, with selectors resolved. */
final class Actions {
    private static final Duration CALL = Duration.ofSeconds(3);

    private Actions() {
    }

    static String run(Step step, Run run) {
        Lab lab = run.lab;
        String leader = run.status().leader().orElse(null);
        switch (step.kind()) {
            case "kill", "stop", "start", "restart", "wipe", "pause", "resume" -> {
                List<String> nodes = run.resolveFault(step);
                bind(step, run, nodes);
                faultBegins(run, leader, nodes, step.kind());
                if (step.kind().equals("start") || step.kind().equals("resume")) {
                    run.measurements.faultUndone();
                }
                for (String n : nodes) {
                    switch (step.kind()) {
                        case "kill" -> lab.kill(n);
                        case "stop" -> lab.stop(n);
                        case "start" -> lab.start(n);
                        case "restart" -> lab.restart(n);
                        case "wipe" -> lab.wipe(n);
                        case "pause" -> lab.pause(n);
                        default -> lab.resume(n);
                    }
                }
                return step.kind() + " " + describe(nodes, leader);
            }
            case "fleet-start", "fleet-stop", "fleet-destroy" -> {
                @SuppressWarnings("unchecked")
                List<String> units = (List<String>) step.args().get("units");
                return FleetSteps.act(step.kind(), units, Path.of((String) step.args().get("dir")), lab);
            }
            case "isolate" -> {
                String n = run.pinnedOne(step).orElseGet(() -> run.resolveOne(step.arg("target")));
                bind(step, run, List.of(n));
                faultBegins(run, leader, List.of(n), "isolate");
                Network.isolate(lab, n);
                return "isolate " + describe(List.of(n), leader);
            }
            case "partition" -> {
                List<List<String>> groups = groups(step, run);
                if (leader != null && !majoritySide(groups, leader, run)) {
                    faultBegins(run, leader, List.of(leader), "partition");
                }
                Network.partition(lab, groups);
                return "partition " + String.join(" | ", groups.stream().map(g -> String.join(",", g)).toList());
            }
            case "block" -> {
                String from = run.resolveOne(step.arg("from"));
                String to = run.resolveOne(step.arg("to"));
                Network.block(lab, from, to);
                return "block " + from + " -> " + to + " (one way)";
            }
            case "delay" -> {
                String n = run.resolveOne(step.arg("target"));
                long by = ((Duration) step.args().get("by")).toMillis();
                long jitter = ((Duration) step.args().get("jitter")).toMillis();
                Network.delay(lab, n, by + "ms" + (jitter > 0 ? "±" + jitter + "ms" : ""));
                return "delay " + n + " by " + by + " ms" + (jitter > 0 ? " ±" + jitter + " ms" : "");
            }
            case "heal" -> {
                Network.heal(lab);
                run.measurements.faultUndone();
                run.measurements.watchRecovery(System.nanoTime());
                return "heal: every link restored, every delay removed";
            }
            case "add-member" -> {
                String n = Membership.add(lab, step.arg("name"), Boolean.TRUE.equals(step.args().get("learner")));
                bind(step, run, List.of(n));
                return "add-member " + n + (Boolean.TRUE.equals(step.args().get("learner")) ? " (learner)" : "");
            }
            case "remove-member", "promote", "replace-member" -> {
                String n = run.resolveOne(step.arg("target"));
                bind(step, run, List.of(n));
                switch (step.kind()) {
                    case "remove-member" -> Membership.remove(lab, n);
                    case "promote" -> Membership.promote(lab, n);
                    default -> Membership.replace(lab, n);
                }
                return step.kind() + " " + describe(List.of(n), leader);
            }
            case "force-new-cluster" -> {
                String n = run.resolveOne(step.arg("target"));
                bind(step, run, List.of(n));
                Recovery.forceNewCluster(lab, n);
                return "force-new-cluster " + n + ": a one-member cluster of its data, the others added back";
            }
            case "snapshot" -> {
                String from = step.args().containsKey("from") ? run.resolveOne(step.arg("from")) : null;
                Path f = snapshotFile(run, step.arg("name"));
                Recovery.SnapshotInfo i = Recovery.save(lab, from, f);
                return "snapshot " + step.arg("name") + (from == null ? " (from the leader)" : " from " + from)
                        + String.format(": revision %d, %d keys, %d bytes", i.revision(), i.totalKeys(), i.totalSize());
            }
            case "restore" -> {
                Path f = snapshotFile(run, step.arg("name"));
                if (!java.nio.file.Files.exists(f)) {
                    f = Path.of(step.arg("dir")).resolve(step.arg("name"));
                }
                Recovery.SnapshotInfo i = Recovery.restore(lab, f, true);
                run.measurements.faultUndone();
                return "restore " + step.arg("name") + String.format(": every member from revision %d (%d keys), "
                        + "healthy", i.revision(), i.totalKeys());
            }
            case "compact" -> {
                return "compact: history up to revision " + Recovery.compact(lab) + " removed";
            }
            case "defrag" -> {
                return "defrag: " + String.join(", ", Recovery.defrag(lab));
            }
            case "alarm-disarm" -> {
                int n = Recovery.disarm(lab);
                return "alarm-disarm: " + (n == 0 ? "no alarm was raised" : n + " alarm(s) disarmed");
            }
            case "fill" -> {
                return fill(run, (Long) step.args().get("bytes"));
            }
            case "put" -> {
                long rev = EtcdHttp.put(endpoint(run), step.arg("key"), step.arg("value"), CALL);
                return "put " + step.arg("key") + " = " + step.arg("value") + " (revision " + rev + ")";
            }
            case "get" -> {
                return "get " + step.arg("key") + " = " + EtcdHttp.get(endpoint(run), step.arg("key"), CALL)
                        .orElse("(absent)");
            }
            case "delete" -> {
                return "delete " + step.arg("key") + ": " + EtcdHttp.delete(endpoint(run), step.arg("key"), CALL)
                        + " key(s)";
            }
            case "exec" -> {
                return exec(step, run);
            }
            case "sleep" -> {
                pause((Duration) step.args().get("for"), run);
                return "slept " + Durations.format((Duration) step.args().get("for"));
            }
            case "rolling" -> {
                return Rolling.run(step, run);
            }
            default -> throw new IllegalStateException(step.kind());
        }
    }

    /** Where a scenario's named snapshot is kept: in the lab's folder, gone with the lab. */
    private static Path snapshotFile(Run run, String name) {
        return run.lab.dir().root().resolve("snapshots").resolve(name + ".db");
    }

    /**
     * Overwrites one key with 512 KiB values until {@code bytes} were written or etcd refuses a write for lack of
     * space (its NOSPACE alarm: "etcdserver: mvcc: database space exceeded"). Every old value stays in the history
     * until a compaction, so the backend grows by each write.
     */
    private static String fill(Run run, long bytes) {
        String value = "x".repeat(512 * 1024);
        long written = 0;
        int writes = 0;
        while (written < bytes) {
            try {
                EtcdHttp.put(endpoint(run), "/lab/fill", value, Duration.ofSeconds(10));
            } catch (lab.etcd.EtcdException e) {
                if (e.getMessage().contains("space exceeded")) {
                    return String.format("fill: %d writes of 512 KiB (%.1f MiB) to /lab/fill, then etcd refused: %s",
                            writes, written / 1048576.0, e.etcdError());
                }
                throw e;
            }
            written += value.length();
            writes++;
        }
        return String.format("fill: %d writes of 512 KiB (%.1f MiB) to /lab/fill, all accepted", writes,
                written / 1048576.0);
    }

    /** A fault that takes the leader away starts the new-leader clock. */
    private static void faultBegins(Run run, String leader, List<String> nodes, String kind) {
        run.leaderBeforeFault = leader;
        run.faultSeen = true;
        if (leader != null && nodes.contains(leader) && Set.of("kill", "stop", "restart", "wipe", "pause", "isolate",
                "partition").contains(kind)) {
            run.measurements.watchNewLeader(leader, System.nanoTime());
        }
    }

    private static boolean majoritySide(List<List<String>> groups, String leader, Run run) {
        int voters = run.status().voters();
        return groups.stream().filter(g -> g.contains(leader)).anyMatch(g -> g.size() > voters / 2);
    }

    private static List<List<String>> groups(Step step, Run run) {
        @SuppressWarnings("unchecked")
        List<List<String>> raw = (List<List<String>>) step.args().get("groups");
        List<List<String>> out = new ArrayList<>();
        Set<String> used = new HashSet<>();
        for (List<String> g : raw) {
            List<String> group = new ArrayList<>();
            for (String sel : g) {
                if (!sel.equals("rest")) {
                    run.resolve(sel).stream().filter(used::add).forEach(group::add);
                }
            }
            out.add(group);
        }
        for (int i = 0; i < raw.size(); i++) {
            if (raw.get(i).contains("rest")) {
                run.lab.state().members().stream().map(NodeState::name).filter(used::add).forEach(out.get(i)::add);
            }
        }
        return out;
    }

    private static void bind(Step step, Run run, List<String> nodes) {
        if (step.bindAs() != null) {
            run.bound.put(step.bindAs(), List.copyOf(nodes));
        }
    }

    static String describe(List<String> nodes, String leader) {
        List<String> out = new ArrayList<>();
        for (String n : nodes) {
            out.add(n + (n.equals(leader) ? " (leader)" : ""));
        }
        return String.join(", ", out);
    }

    /**
     * A member that can serve linearizable requests now; client operations go through it, as a client configured
     * with every endpoint fails over to one that works. A member cut off from the majority still answers a
     * status request but cannot commit, so answering is not enough.
     */
    static String endpoint(Run run) {
        for (String ep : run.lab.clientEndpoints()) {
            if (EtcdHttp.healthy(ep, Duration.ofMillis(500))) {
                return ep;
            }
        }
        throw new ScenarioFailure("no member can serve clients (" + run.status().summary() + ")");
    }

    /**
     * A shell command on each selected node, where the node is: over its SSH session on netns nodes and VMs (as
     * the node's login user), on this machine for local nodes, whose processes are this machine's.
     */
    private static String exec(Step step, Run run) {
        List<String> nodes = run.resolve(step.arg("on"));
        for (String n : nodes) {
            NodeState node = run.lab.node(n);
            // etcdctl as `lab etcdctl` runs it (ETCDCTL_API, a TLS lab's files, a lab with auth's root), this node
            Map<String, String> env = new java.util.HashMap<>(Recovery.etcdctlEnv(run.lab));
            env.putAll(Map.of("LAB_NODE", n, "LAB_NODE_ADDRESS", node.address(), "ETCDCTL_ENDPOINTS",
                    node.clientUrl()));
            ExecResult r = run.lab.exec(n, step.arg("command"), env, Duration.ofSeconds(60));
            if (!r.ok()) {
                throw new ScenarioFailure("exec on " + n + " exited " + r.exitCode() + ": " + (r.stdout()
                        + r.stderr()).trim());
            }
        }
        return "exec on " + String.join(",", nodes) + ": " + step.arg("command");
    }

    /** Waits {@code d}; a run that is cancelled meanwhile ends the wait at once (ScenarioFailure). */
    static void pause(Duration d, Run run) {
        if (d.isZero()) {
            return;
        }
        boolean cancelled;
        try {
            cancelled = org.awaitility.Awaitility.await("the " + Durations.format(d) + " wait").atMost(d)
                    .pollInterval(Duration.ofMillis(50)).pollInSameThread().until(run.cancelled::getAsBoolean, c -> c);
        } catch (org.awaitility.core.ConditionTimeoutException waitedItOut) {
            return;
        }
        if (cancelled) {
            throw new ScenarioFailure("interrupted during the " + Durations.format(d) + " wait");
        }
    }

    /** Waits until the lab is ready again (leader, writes, every running member healthy). */
    static void awaitReady(Run run, Duration timeout) {
        Readiness.awaitCluster(run.lab, timeout);
    }
}
