package lab.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import lab.spec.Durations;
import lab.etcd.EtcdHttp;
import lab.etcd.MemberStatus;
import lab.render.NodeEtcd;
import lab.spec.Role;
import lab.spec.EnvironmentException;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/** Waiting for a lab to be ready, with named timeouts and a fail-fast when a process died. */
public final class Readiness {
    private static final Duration PROBE = Duration.ofMillis(500);

    private Readiness() {
    }

    static void awaitDaemon(Path info, Processes.Started p, Path log) {
        try {
            Awaitility.await("the lab daemon to listen").atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(25))
                    .failFast("the lab daemon exited", () -> !Processes.alive(p.pid(), p.startedAt()))
                    .until(() -> Files.exists(info));
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            throw new EnvironmentException("the lab daemon did not start: " + e.getMessage() + "\n" + tail(log, 15));
        }
    }

    /**
     * Returns once every member agrees on one leader, a linearizable write succeeds and every member is healthy;
     * otherwise says which member is not ready and shows the end of its log.
     */
    public static void awaitCluster(Lab lab, Duration timeout) {
        List<NodeState> members = lab.state().members().stream()
                .filter(n -> n.process() == NodeState.Process.RUNNING).toList();
        List<NodeState> proxies = lab.state().nodes().stream().filter(n -> n.role() == Role.PROXY)
                .filter(n -> n.process() == NodeState.Process.RUNNING).toList();
        AtomicReference<String> notReady = new AtomicReference<>(members.isEmpty() ? "no member runs"
                : members.get(0).name() + " has not answered yet");
        try {
            Awaitility.await("the cluster to elect a leader and accept writes").atMost(timeout)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(25))
                    .failFast("a process exited", () -> java.util.stream.Stream.concat(members.stream(),
                            proxies.stream()).anyMatch(n -> {
                        boolean dead = !lab.alive(n);
                        if (dead) {
                            notReady.set(n.name() + " exited");
                        }
                        return dead;
                    }))
                    .until(() -> ready(members, notReady) && proxiesServe(proxies, notReady));
            recordMemberIds(lab);
            lab.enableAuth(); // the first time a lab with auth is ready: its users, roles and "auth enable"
        } catch (ConditionTimeoutException | org.awaitility.core.TerminalFailureException e) {
            String who = notReady.get();
            String node = who.contains(" ") ? who.substring(0, who.indexOf(' ')) : who;
            Path log = lab.dir().log(node);
            throw new EnvironmentException("the cluster was not ready within " + Durations.format(timeout) + ": " + who
                    + (Files.exists(log) ? "\nlast lines of " + log + ":\n" + tail(log, 15) : ""));
        }
    }

    private static boolean ready(List<NodeState> members, AtomicReference<String> notReady) {
        // All members are asked at once: a bring-up is only as slow as the slowest member, not their sum.
        List<java.util.concurrent.CompletableFuture<MemberStatus>> asked = members.stream()
                .map(n -> java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    try {
                        return EtcdHttp.status(n.clientUrl(), PROBE);
                    } catch (RuntimeException e) {
                        return null;
                    }
                })).toList();
        long leader = -1;
        for (int i = 0; i < members.size(); i++) {
            MemberStatus s = asked.get(i).join();
            NodeState n = members.get(i);
            if (s == null) {
                notReady.set(n.name() + " does not answer on " + n.clientUrl());
                return false;
            }
            if (s.leaderId() == 0 || (leader != -1 && s.leaderId() != leader)) {
                notReady.set(n.name() + " knows no leader yet (or another one)");
                return false;
            }
            leader = s.leaderId();
        }
        try {
            EtcdHttp.put(members.get(0).clientUrl(), "/lab/ready", Long.toString(System.currentTimeMillis()), PROBE);
        } catch (RuntimeException e) {
            notReady.set(members.get(0).name() + " cannot write yet: " + e.getMessage());
            return false;
        }
        List<java.util.concurrent.CompletableFuture<Boolean>> health = members.stream()
                .map(n -> java.util.concurrent.CompletableFuture.supplyAsync(() -> EtcdHttp.healthy(n.clientUrl(),
                        PROBE))).toList();
        for (int i = 0; i < members.size(); i++) {
            if (!health.get(i).join()) {
                notReady.set(members.get(i).name() + " is not healthy yet (no linearizable read)");
                return false;
            }
        }
        return true;
    }

    /** Proxies serve clients: a gateway passes a linearizable read through, an etcd2 proxy answers /health. */
    private static boolean proxiesServe(List<NodeState> proxies, AtomicReference<String> notReady) {
        for (NodeState n : proxies) {
            boolean ok = n.kind() == NodeEtcd.Kind.V2_PROXY ? EtcdHttp.httpHealth(n.clientUrl(), PROBE)
                    : EtcdHttp.healthy(n.clientUrl(), PROBE);
            if (!ok) {
                notReady.set(n.name() + " (proxy) does not pass requests to the members yet");
                return false;
            }
        }
        return true;
    }

    /** Writes each running member's id into the lab state (names leaders in status and narration). */
    static void recordMemberIds(Lab lab) {
        for (NodeState n : lab.state().members()) {
            try {
                MemberStatus s = EtcdHttp.status(n.clientUrl(), PROBE);
                lab.update(lab.node(n.name()).withMember(Long.toHexString(s.memberId()), s.learner()));
            } catch (RuntimeException e) {
                // not running: keeps the id it had
            }
        }
    }

    /** The last {@code lines} lines of a log, for messages. */
    static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log at " + log + ")";
        }
    }
}
