package lab.provider.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import lab.etcd.EtcdHttp;
import lab.etcd.MemberStatus;
import lab.net.LinkRules;
import lab.provider.Lab;
import lab.provider.LabDir;
import lab.provider.Network;
import lab.provider.NodeState;
import lab.provider.Readiness;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import lab.testing.RecordedProcesses;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;

/**
 * Random fault and heal cycles on one lab while a second process keeps reading it and writing its state (`lab status`
 * and `lab node resume` of a running member, a no-op for etcd that still rewrites state.json): after each heal
 * every link carries traffic (each member serves a linearizable read, which needs the leader's heartbeats to reach
 * it and its acknowledgements to come back, and every member applies the same write), the state file is whole JSON
 * naming every node, and `lab down` leaves nothing. The suite runs a few cycles; bench/stress.sh runs 50 on local
 * and 20 on netns (-Dlab.stress.local, -Dlab.stress.netns).
 */
class StressIT {
    static final Duration HEALED = Duration.ofSeconds(30);

    @TempDir
    Path work;

    @Test
    void faultAndHealCyclesOnALocalLab() throws Exception {
        cycles("stress-local", "provider: local\n", Integer.getInteger("lab.stress.local", 5));
    }

    @Test
    void faultAndHealCyclesOnANetnsLab() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(HostNetwork.isRoot(), "the netns provider needs root");
        cycles("stress-netns", "provider: netns\nsubnet: 10.77.31.0/24\n", Integer.getInteger("lab.stress.netns", 3));
    }

    private void cycles(String name, String yaml, int cycles) throws Exception {
        Lab lab = Lab.create(work, SpecLoader.parse("lab.yaml", "name: " + name + "\nnodes: 3\n" + yaml,
                Overrides.none()).spec(), null, s -> { });
        List<long[]> seen = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger second = new AtomicInteger();
        Thread other = new Thread(() -> {
            Random r = new Random(7);
            while (!stop.get()) {
                String node = "core-0" + (1 + r.nextInt(3));
                command(name, r.nextBoolean() ? List.of("status", "--name", name)
                        : List.of("node", "resume", node, "--name", name));
                second.incrementAndGet();
            }
        }, "second-process");
        long t0 = System.nanoTime();
        try {
            Readiness.awaitCluster(lab, HEALED);
            seen.addAll(RecordedProcesses.of(work, name));
            other.start();
            Random random = new Random(Long.getLong("lab.stress.seed", 1));
            List<String> members = lab.state().members().stream().map(NodeState::name).toList();
            for (int i = 0; i < cycles; i++) {
                String a = members.get(random.nextInt(3));
                String b = members.stream().filter(m -> !m.equals(a)).toList().get(random.nextInt(2));
                String fault = switch (random.nextInt(6)) {
                    case 0 -> {
                        Network.isolate(lab, a);
                        yield "isolate " + a;
                    }
                    case 1 -> {
                        Network.partition(lab, List.of(List.of(a), members.stream().filter(m -> !m.equals(a))
                                .toList()));
                        yield "partition " + a + " | rest";
                    }
                    case 2 -> {
                        Network.block(lab, a, b);
                        yield "block " + a + " -> " + b;
                    }
                    case 3 -> {
                        Network.delay(lab, a, "100ms");
                        yield "delay " + a;
                    }
                    case 4 -> {
                        lab.kill(a);
                        yield "kill " + a;
                    }
                    default -> {
                        lab.pause(a);
                        yield "pause " + a;
                    }
                };
                Thread.sleep(300 + random.nextInt(700));
                Network.heal(lab);
                lab.resume(a);
                lab.start(a);
                assertHealed(lab, name, members, "cycle " + (i + 1) + " (" + fault + ")");
                seen.addAll(RecordedProcesses.of(work, name));
            }
        } finally {
            stop.set(true);
            other.join(60_000);
            Lab.open(work, name, s -> { }).destroy();
        }
        System.out.printf("%s: %d fault/heal cycles in %.1f s, %d commands from a second process meanwhile%n", name,
                cycles, (System.nanoTime() - t0) / 1e9, second.get());
        assertEquals(List.of(), LabDir.list(work), "lab down removed the lab");
        Awaitility.await("every process of the lab to be gone").atMost(Duration.ofSeconds(10))
                .until(() -> seen.stream().noneMatch(RecordedProcesses::alive));
        if (yaml.contains("netns")) {
            String ns = new ProcessExecutor().command("ip", "netns", "list").readOutput(true).execute().outputUTF8();
            assertTrue(ns.lines().noneMatch(l -> l.contains(NetnsLayout.fresh(work.resolve(".lab").resolve(name),
                    "", 24).id())), "no namespace of the lab is left: " + ns);
        }
    }

    private void assertHealed(Lab lab, String name, List<String> members, String when) throws Exception {
        Awaitility.await(when + ": every link to carry traffic").atMost(HEALED).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(() -> {
                    for (String m : members) {
                        EtcdHttp.get(lab.node(m).clientUrl(), "/stress/probe", Duration.ofSeconds(1));
                    }
                    return true;
                });
        long rev = EtcdHttp.put(lab.node(members.get(0)).clientUrl(), "/stress/probe", when, Duration.ofSeconds(3));
        Awaitility.await(when + ": every member to apply the write").atMost(HEALED).ignoreExceptions().until(() -> {
            for (String m : members) {
                MemberStatus s = EtcdHttp.status(lab.node(m).clientUrl(), Duration.ofSeconds(1));
                if (s.revision() < rev) {
                    return false;
                }
            }
            return true;
        });
        assertEquals(LinkRules.NONE, lab.rules(), when);
        JsonNode state = LabDir.json().readTree(work.resolve(".lab").resolve(name).resolve("state.json").toFile());
        Set<String> names = new TreeSet<>();
        state.path("nodes").forEach(n -> names.add(n.path("name").asText()));
        assertEquals(new TreeSet<>(members), names, when + ": state.json is whole and names every node");
    }

    private void command(String name, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("lab.repo", ".")).toAbsolutePath()
                .resolve("lab").toString()));
        cmd.addAll(args);
        try {
            new ProcessExecutor().command(cmd).directory(work.toFile()).readOutput(true).redirectErrorStream(true)
                    .timeout(60, TimeUnit.SECONDS).execute();
        } catch (Exception e) {
            // a command that failed (the lab is partitioned or being healed) is fine; a lost update is what counts
        }
    }
}
