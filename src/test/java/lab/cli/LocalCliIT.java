package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import com.fasterxml.jackson.databind.JsonNode;
import lab.provider.LabDir;
import lab.testing.RecordedProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/** The local provider through the real ./lab launcher, as separate processes, the way users and CI run it. */
class LocalCliIT {
    @TempDir
    Path dir;

    ProcessResult lab(Map<String, String> env, String... args) throws Exception {
        return Launcher.run(dir, java.time.Duration.ofMinutes(2), env, args);
    }

    ProcessResult lab(String... args) throws Exception {
        return lab(Map.of(), args);
    }

    @AfterEach
    void down() throws Exception {
        Launcher.downAll(dir);
    }

    @Test
    void upStatusEtcdctlAndDownAfterTheDaemonWasKilled() throws Exception {
        ProcessResult up = lab("up", "--name", "cli");
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        assertTrue(up.outputUTF8().contains("quorum: yes (3/3 healthy, 2 needed)"), up.outputUTF8());
        ProcessResult status = lab("status", "--name", "cli", "-o", "json");
        JsonNode json = LabDir.json().readTree(status.outputUTF8());
        assertTrue(json.path("quorum").asBoolean(), status.outputUTF8());
        assertEquals(3, json.path("nodes").size());
        ProcessResult members = lab("etcdctl", "--name", "cli", "--", "member", "list");
        assertEquals(0, members.getExitValue(), members.outputUTF8());
        assertEquals(3, members.outputUTF8().lines().filter(l -> l.contains(", started, core-0")).count(),
                members.outputUTF8());
        List<long[]> pids = RecordedProcesses.of(dir, "cli");
        assertTrue(pids.stream().allMatch(RecordedProcesses::alive));
        ProcessHandle.of(pids.get(pids.size() - 1)[0]).orElseThrow().destroyForcibly(); // SIGKILL the daemon
        ProcessResult down = lab("down", "--name", "cli");
        assertEquals(0, down.getExitValue(), down.outputUTF8());
        for (long[] p : pids) {
            assertFalse(RecordedProcesses.alive(p), "pid " + p[0] + " survived lab down");
        }
        assertFalse(Files.exists(dir.resolve(".lab/cli")));
    }

    /**
     * The daemon carries every peer link of a local lab. SIGKILLed during a partition: status says so in its quorum
     * line (and JSON), a fault command refuses with the way out (exit 4, nothing done), and `lab up` brings the daemon
     * back with the partition still in force; the cluster then has its quorum again. Before, the members quietly lost
     * each other and a scenario failed 15 s later on "observed leader none".
     */
    @Test
    void aKilledDaemonIsNamedAndLabUpBringsItBackWithItsFaults() throws Exception {
        assertEquals(0, lab("up", "--name", "dd").getExitValue());
        ProcessResult cut = lab("net", "block", "core-01", "core-02", "--name", "dd");
        assertEquals(0, cut.getExitValue(), cut.outputUTF8());
        List<long[]> pids = RecordedProcesses.of(dir, "dd");
        long[] daemon = pids.get(pids.size() - 1);
        ProcessHandle.of(daemon[0]).orElseThrow().destroyForcibly();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> !RecordedProcesses.alive(daemon));

        String gone = "lab \"dd\"'s daemon (pid " + daemon[0] + ") is gone, and with it every peer link between the "
                + "members";
        ProcessResult status = lab("status", "--name", "dd");
        assertEquals(0, status.getExitValue(), status.outputUTF8());
        String quorumLine = status.outputUTF8().lines().filter(l -> l.startsWith("quorum: ")).findFirst().orElseThrow();
        assertTrue(quorumLine.contains(gone), status.outputUTF8());
        assertTrue(quorumLine.contains("`lab up --name dd` starts it again"), quorumLine);
        JsonNode json = LabDir.json().readTree(lab("status", "--name", "dd", "-o", "json").outputUTF8());
        assertTrue(json.path("problem").asText().startsWith(gone), json.toString());

        ProcessResult kill = lab("node", "kill", "core-03", "--name", "dd");
        assertEquals(4, kill.getExitValue(), kill.outputUTF8());
        assertTrue(kill.outputUTF8().startsWith("lab: " + gone), kill.outputUTF8());
        assertFalse(kill.outputUTF8().contains("\tat "), kill.outputUTF8());
        assertEquals("RUNNING", process("dd", "core-03"), "nothing was done");
        assertTrue(RecordedProcesses.alive(pids.get(2)), "core-03 still runs");

        ProcessResult up = lab("up", "--name", "dd");
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        assertTrue(up.outputUTF8().contains("restarted the lab's daemon"), up.outputUTF8());
        assertTrue(up.outputUTF8().contains("restored 1 cut link(s) and 0 delay(s)"), up.outputUTF8());
        assertTrue(up.outputUTF8().contains("lab \"dd\" was up without its daemon"), up.outputUTF8());
        // yes, with 2 or 3 healthy: a one-way cut leaves core-02 without heartbeats while core-01 leads
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15)).until(() ->
                lab("status", "--name", "dd").outputUTF8().contains("quorum: yes ("));
        JsonNode after = LabDir.json().readTree(lab("status", "--name", "dd", "-o", "json").outputUTF8());
        assertTrue(after.path("problem").isNull(), after.toString());
        assertEquals("[\"core-02\"]", after.path("nodes").get(0).path("cutFrom").toString(), "the cut is still in force");
        for (long[] member : pids.subList(0, 3)) {
            assertTrue(RecordedProcesses.alive(member), "the members ran on throughout");
        }
    }

    /**
     * Commands on a running lab go to its warm daemon (lab.cli.Forward): the daemon's log shows it ran them, and
     * what the user sees is what the command run in its own JVM (LAB_DIRECT=1) prints: the same output, errors and
     * exit codes. Another PATH (another etcdctl) is not forwarded.
     */
    @Test
    void forwardedCommandsAnswerAsTheCommandItselfWould() throws Exception {
        assertEquals(0, lab("up", "--name", "fw").getExitValue());
        Map<String, String> direct = Map.of("LAB_DIRECT", "1");
        Path log = dir.resolve(".lab/fw/daemon.log");
        List<List<String>> same = List.of(
                List.of("etcdctl", "--name", "fw", "--", "member", "list"),
                List.of("node", "stop", "core-09", "--name", "fw"),
                List.of("net", "delay", "core-02", "fast", "--name", "fw"),
                List.of("ls"),
                List.of("node", "bogus", "--name", "fw"),
                List.of("status", "--name", "nosuch"));
        for (List<String> args : same) {
            ProcessResult fast = lab(args.toArray(String[]::new));
            ProcessResult slow = lab(direct, args.toArray(String[]::new));
            assertEquals(slow.getExitValue(), fast.getExitValue(), args + ": " + fast.outputUTF8());
            // the lab's resident memory (lab ls) is a reading of the moment, not the same twice
            // (its digits change the table's column width too)
            assertEquals(slow.outputUTF8().replaceAll("\\d+ MiB", "N MiB").replaceAll("[ -]+", " "),
                    fast.outputUTF8().replaceAll("\\d+ MiB", "N MiB").replaceAll("[ -]+", " "), args.toString());
        }
        String served = Files.readString(log);
        assertTrue(served.contains("cli: etcdctl --name fw -- member list -> exit 0"), served);
        assertTrue(served.contains("cli: node stop core-09 --name fw -> exit 2"), served);
        assertFalse(served.contains("cli: status --name nosuch"), "no lab of that name: no daemon to ask");

        ProcessResult kill = lab("node", "kill", "core-03", "--name", "fw");
        assertEquals(0, kill.getExitValue(), kill.outputUTF8());
        assertEquals("killed core-03\n", kill.outputUTF8());
        assertEquals("KILLED", process("fw", "core-03"), "the daemon changed the lab's state as the command would");
        JsonNode json = LabDir.json().readTree(lab("status", "--name", "fw", "-o", "json").outputUTF8());
        assertEquals("killed", json.path("nodes").get(2).path("process").asText(), json.toString());
        assertEquals(0, lab("node", "start", "core-03", "--name", "fw").getExitValue());

        int before = Files.readAllLines(log).size();
        ProcessResult otherPath = lab(Map.of("PATH", "/usr/local/bin:/usr/bin:/bin:/usr/sbin"), "status", "--name",
                "fw");
        assertEquals(0, otherPath.getExitValue(), otherPath.outputUTF8());
        assertTrue(otherPath.outputUTF8().contains("core-03"), otherPath.outputUTF8());
        assertEquals(before, Files.readAllLines(log).size(), "another PATH: the command ran in its own JVM");
    }

    @Test
    void anAddressInUseIsRefusedAndNothingIsLeftRunning() throws Exception {
        try (ServerSocket squatter = new ServerSocket()) {
            squatter.bind(new InetSocketAddress("127.77.8.102", 2379));
            ProcessResult up = lab("up", "--name", "busy", "--block", "77");
            assertEquals(4, up.getExitValue(), up.outputUTF8());
            assertTrue(up.outputUTF8().contains("address 127.77.8.102:2379 is already in use"), up.outputUTF8());
            assertFalse(up.outputUTF8().contains("\tat "), up.outputUTF8());
            assertFalse(Files.exists(dir.resolve(".lab/busy/state.json")), "nothing half-started");
        }
    }

    @Test
    void aMissingEtcdBinaryIsAClearEnvironmentError() throws Exception {
        ProcessResult up = lab(Map.of("LAB_ETCD", "/nonexistent/etcd"), "up", "--name", "noetcd");
        assertEquals(4, up.getExitValue(), up.outputUTF8());
        assertEquals("lab: LAB_ETCD=/nonexistent/etcd is not an executable file", up.outputUTF8().trim());
        assertFalse(Files.exists(dir.resolve(".lab/noetcd/state.json")));
    }

    @Test
    void faultsFromTheCommandLine() throws Exception {
        assertEquals(0, lab("up", "--name", "f").getExitValue());
        ProcessResult kill = lab("node", "kill", "leader", "--name", "f");
        assertTrue(kill.outputUTF8().matches("(?s)killed core-0[123] \\(leader\\)\\s*"), kill.outputUTF8());
        ProcessResult unknown = lab("node", "stop", "core-09", "--name", "f");
        assertEquals(2, unknown.getExitValue());
        assertEquals("lab: no node \"core-09\" in lab \"f\"; it has core-01, core-02, core-03",
                unknown.outputUTF8().trim());
        ProcessResult iso = lab("net", "isolate", "core-01", "--name", "f");
        assertEquals(0, iso.getExitValue(), iso.outputUTF8());
        ProcessResult badDelay = lab("net", "delay", "core-02", "fast", "--name", "f");
        assertEquals(2, badDelay.getExitValue());
        assertEquals(0, lab("net", "heal", "--name", "f").getExitValue());
        ProcessResult ls = lab("ls");
        assertTrue(ls.outputUTF8().contains("| f    | local"), ls.outputUTF8());
    }

    /** Runs two `lab` command lines at once; returns their results in order. */
    List<ProcessResult> together(Path where, List<String> a, List<String> b) throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> run(where, a));
            var fb = pool.submit(() -> run(where, b));
            return List.of(fa.get(), fb.get());
        } finally {
            pool.shutdown();
        }
    }

    ProcessResult run(Path where, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(LauncherIT.LAB.toString());
        cmd.addAll(args);
        return new ProcessExecutor().command(cmd).directory(where.toFile()).readOutput(true).redirectErrorStream(true)
                .timeout(120, TimeUnit.SECONDS).execute();
    }

    String process(String lab, String node) throws Exception {
        JsonNode s = LabDir.json().readTree(dir.resolve(".lab").resolve(lab).resolve("state.json").toFile());
        for (JsonNode n : s.path("nodes")) {
            if (n.path("name").asText().equals(node)) {
                return n.path("process").asText();
            }
        }
        throw new AssertionError(node + " not in the state");
    }

    /**
     * Two commands changing one lab at once, from two processes: each reads the state, changes its node and writes
     * it back. Without the lab's lock one of the two changes was lost (the later writer wrote the state it had read).
     */
    @Test
    void twoProcessesChangingOneLabLoseNoUpdate() throws Exception {
        ProcessResult up = lab("up", "--name", "two");
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        for (int round = 0; round < 3; round++) {
            List<ProcessResult> kills = together(dir, List.of("node", "kill", "core-02", "--name", "two"),
                    List.of("node", "kill", "core-03", "--name", "two"));
            kills.forEach(r -> assertEquals(0, r.getExitValue(), r.outputUTF8()));
            assertEquals(List.of("KILLED", "KILLED"), List.of(process("two", "core-02"), process("two", "core-03")),
                    "round " + round + ": both kills recorded");
            List<ProcessResult> starts = together(dir, List.of("node", "start", "core-02", "--name", "two"),
                    List.of("node", "start", "core-03", "--name", "two"));
            starts.forEach(r -> assertEquals(0, r.getExitValue(), r.outputUTF8()));
            assertEquals(List.of("RUNNING", "RUNNING"), List.of(process("two", "core-02"), process("two", "core-03")),
                    "round " + round + ": both starts recorded");
        }
    }

    /** Two `lab up` at once, in two folders: each gets an address block of its own (before, both took 127.17). */
    @Test
    void twoLabsComingUpAtOnceGetTwoBlocks() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var fa = pool.submit(() -> run(a, List.of("up", "--name", "one")));
            var fb = pool.submit(() -> run(b, List.of("up", "--name", "two")));
            ProcessResult ra = fa.get();
            ProcessResult rb = fb.get();
            assertEquals(0, ra.getExitValue(), ra.outputUTF8());
            assertEquals(0, rb.getExitValue(), rb.outputUTF8());
            int blockA = new LabDir(a, "one").read().orElseThrow().block();
            int blockB = new LabDir(b, "two").read().orElseThrow().block();
            assertTrue(blockA != blockB, "blocks " + blockA + " and " + blockB);
        } finally {
            pool.shutdown();
            run(a, List.of("down", "--name", "one"));
            run(b, List.of("down", "--name", "two"));
        }
    }

    /**
     * Status under a delay on the leader (README's 200ms±50ms): the cluster works, so status says so (it read
     * "quorum: no (0/3 healthy)" while etcdctl put answered OK); and a wiped member started again crashes, which
     * is reported as a crash with etcd's own last words, exit 1 (it printed "started", exit 0).
     */
    @Test
    void statusIsHonestUnderDelayAndACrashedStartIsReportedAsOne() throws Exception {
        assertEquals(0, lab("up", "--name", "hon").getExitValue());
        ProcessResult delay = lab("net", "delay", "leader", "200ms\u00b150ms", "--name", "hon");
        assertEquals(0, delay.getExitValue(), delay.outputUTF8());
        String status = lab("status", "--name", "hon").outputUTF8();
        assertTrue(status.contains("quorum: yes (3/3 healthy, 2 needed)"), status);
        assertEquals(0, lab("etcdctl", "--name", "hon", "--", "put", "/x", "y").getExitValue(), "and a client agrees");
        assertEquals(0, lab("net", "heal", "--name", "hon").getExitValue());

        ProcessResult wipe = lab("node", "wipe", "follower", "--name", "hon");
        assertEquals(0, wipe.getExitValue(), wipe.outputUTF8());
        String wiped = wipe.outputUTF8().trim().split("\\s+")[1];
        ProcessResult start = lab("node", "start", wiped, "--name", "hon");
        String out = start.outputUTF8();
        assertEquals(1, start.getExitValue(), out);
        assertTrue(out.contains(wiped + " crashed right after it was started") && out.contains("etcdmain:"), out);
        assertTrue(lab("status", "--name", "hon").outputUTF8().lines().anyMatch(l -> l.contains(wiped)
                && l.contains("crashed")), "status calls it crashed, not killed");
        ProcessResult killRemoved = lab("member", "remove", wiped, "--name", "hon");
        assertEquals(0, killRemoved.getExitValue(), killRemoved.outputUTF8());
        ProcessResult refused = lab("node", "kill", wiped, "--name", "hon");
        assertEquals(2, refused.getExitValue(), refused.outputUTF8());
        assertTrue(refused.outputUTF8().contains("it was removed from the cluster"), refused.outputUTF8());
    }
}
