package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.provider.Processes;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessResult;

/** `lab fleet` through the real launcher on a local lab: units run, conflict, move when their machine dies. */
class FleetCliIT {
    static final String HELLO = String.join("\n", "[Unit]", "Description=hello %i, registered as /test/%m",
            "[Service]", "ExecStartPre=-etcdctl del /test/%m",
            "ExecStart=/bin/sh -c 'while true; do echo hello from %H; sleep 1; done'",
            "ExecStartPost=etcdctl put /test/%m %H", "ExecStopPost=-etcdctl del /test/%m", "[X-Fleet]",
            "Conflicts=hello@*.service", "");

    @TempDir
    Path dir;

    ProcessResult lab(String... args) throws Exception {
        return Launcher.run(dir, java.time.Duration.ofMinutes(2), java.util.Map.of(), args);
    }

    String ok(String... args) throws Exception {
        ProcessResult r = lab(args);
        assertEquals(0, r.getExitValue(), String.join(" ", args) + ":\n" + r.outputUTF8());
        return r.outputUTF8();
    }

    @AfterEach
    void down() throws Exception {
        Launcher.downAll(dir);
    }

    @Test
    void unitsRunConflictAndMoveWhenTheirMachineDies() throws Exception {
        Files.writeString(dir.resolve("hello@.service"), HELLO);
        ok("up", "--name", "fc");
        ok("fleet", "start", "hello@1.service", "hello@2.service", "--name", "fc");
        Awaitility.await("both instances running").atMost(Duration.ofSeconds(20)).until(() -> lab("fleet",
                "list-units", "--no-legend", "--name", "fc").outputUTF8().lines()
                .filter(l -> l.contains("active") && l.contains("running")).count() == 2);
        String units = ok("fleet", "list-units", "--name", "fc");
        assertTrue(units.startsWith("UNIT"), units);
        List<String> machines = units.lines().skip(1).map(l -> l.split("\\s+")[1]).toList();
        assertEquals(2, machines.stream().distinct().count(), "Conflicts keeps them apart: " + units);
        assertEquals(2, ok("etcdctl", "--name", "fc", "--", "get", "--prefix", "--keys-only", "/test").lines()
                .filter(l -> l.startsWith("/test/")).count(), "each registered itself");
        assertEquals(3, ok("fleet", "list-machines", "--no-legend", "--name", "fc").lines().count());
        assertTrue(ok("fleet", "list-unit-files", "--fields", "unit,dstate", "--name", "fc")
                .contains("hello@1.service"));
        String status = ok("fleet", "status", "hello@1.service", "--name", "fc");
        assertTrue(status.matches("(?s)● hello@1\\.service - hello 1, registered as /test/[0-9a-f]{32}\n.*")
                && status.contains("active (running) on ")
                && status.contains("hello from core-0"), status);

        // kill the node that runs hello@1: it moves to the one machine that runs neither instance
        String line = units.lines().filter(l -> l.startsWith("hello@1.service")).findFirst().orElseThrow();
        String ip = line.split("\\s+")[1].split("/")[1];
        String node = "core-0" + ip.substring(ip.length() - 1);
        ok("node", "kill", node, "--name", "fc");
        long t0 = System.nanoTime();
        Awaitility.await("hello@1 to move").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    String now = lab("fleet", "list-units", "--no-legend", "--name", "fc").outputUTF8();
                    return now.lines().anyMatch(l -> l.startsWith("hello@1.service") && !l.contains(ip)
                            && l.contains("running"));
                });
        System.out.printf("hello@1.service moved %.2f s after %s was killed (agent TTL 5 s, reconcile 0.5 s)%n",
                (System.nanoTime() - t0) / 1e9, node);
        Awaitility.await("registrations to follow").atMost(Duration.ofSeconds(15)).until(() -> {
            String keys = lab("etcdctl", "--name", "fc", "--", "get", "--prefix", "/test").outputUTF8();
            return keys.lines().filter(l -> l.startsWith("/test/")).count() == 2 && !keys.contains(node + "\n");
        });
        // a third instance has no machine left without a hello@ on it: pending, and status says why (exit 3)
        ok("fleet", "start", "hello@3.service", "--name", "fc");
        ProcessResult pending = lab("fleet", "status", "hello@3.service", "--name", "fc");
        assertEquals(3, pending.getExitValue(), pending.outputUTF8());
        assertTrue(pending.outputUTF8().contains("Active: inactive, pending: no agents able to run job (")
                && pending.outputUTF8().contains(": conflicts with hello@"), pending.outputUTF8());

        List<long[]> unitPids = new ArrayList<>();
        try (var nodes = Files.list(dir.resolve(".lab/fc/nodes"))) {
            for (Path n : nodes.toList()) {
                Path units2 = n.resolve("units");
                if (Files.isDirectory(units2)) {
                    try (var pids = Files.list(units2)) {
                        for (Path p : pids.filter(f -> f.toString().endsWith(".pid")).toList()) {
                            String[] f = Files.readString(p).trim().split("\\s+");
                            unitPids.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])});
                        }
                    }
                }
            }
        }
        assertFalse(unitPids.isEmpty());
        ok("down", "--name", "fc");
        unitPids.forEach(p -> assertFalse(Processes.alive(p[0], p[1]), "unit process " + p[0] + " is gone"));
    }

    /**
     * A Global=true unit on a member and two workers: list-units lists it once per machine it runs on, with each
     * machine's state, as fleetctl lists unit states (it showed one row, machine "-", inactive, while the unit ran
     * everywhere). And the first list-machines of a new lab waits for the agents instead of printing only the
     * header.
     */
    @Test
    void aGlobalUnitIsListedOncePerMachineAndNewAgentsAreWaitedFor() throws Exception {
        Files.writeString(dir.resolve("lab.yaml"), String.join("\n", "name: fg", "nodes: 1", "groups:",
                "  - role: worker", "    count: 2", "    name-prefix: worker", "    metadata: role=worker", ""));
        Files.writeString(dir.resolve("everywhere.service"), String.join("\n", "[Service]",
                "ExecStart=/bin/sh -c 'while true; do sleep 1; done'", "[X-Fleet]", "Global=true", ""));
        ok("up");
        ProcessResult first = lab("fleet", "list-machines", "--no-legend");
        assertEquals(0, first.getExitValue(), first.outputUTF8());
        List<String> machines = first.outputUTF8().lines().filter(l -> l.contains("127.")).toList();
        assertEquals(3, machines.size(), "every agent, on the first asking: " + first.outputUTF8());

        ok("fleet", "start", "everywhere.service");
        Awaitility.await("the unit running on all three machines").atMost(Duration.ofSeconds(20)).until(() ->
                lab("fleet", "list-units", "--no-legend").outputUTF8().lines().filter(l -> l.contains("running"))
                        .count() == 3);
        String units = ok("fleet", "list-units", "--full", "--fields", "unit,machine,active,sub,load");
        List<String> rows = units.lines().skip(1).toList();
        assertEquals(3, rows.size(), units);
        assertTrue(rows.stream().allMatch(r -> r.matches("everywhere\\.service\\s+[0-9a-f]{32}/127\\S+\\s+active\\s+"
                + "running\\s+loaded")), units);
        List<String> ids = rows.stream().map(r -> r.split("\\s+")[1].split("/")[0]).toList();
        assertEquals(ids.stream().sorted().toList(), ids, "sorted by machine ID, as fleetctl");
        assertEquals(3, ids.stream().distinct().count(), units);
        assertEquals(3, ok("fleet", "list-machines", "--no-legend").lines().count());
    }

    @Test
    void aBadUnitFileIsRefusedWithItsLine() throws Exception {
        Files.writeString(dir.resolve("bad.service"), "[Service]\nExecStart=/bin/true\nnonsense upon stilts\n");
        Files.writeString(dir.resolve("pinned.service"), "[Service]\nExecStart=/bin/true\n[X-Fleet]\n"
                + "MachineID=abc\nGlobal=true\n");
        ok("up", "--name", "fb", "--nodes", "1");
        ProcessResult bad = lab("fleet", "submit", "bad.service", "--name", "fb");
        assertEquals(2, bad.getExitValue(), bad.outputUTF8());
        assertTrue(bad.outputUTF8().contains("bad.service:3:1: unexpected newline encountered while parsing option "
                + "name"), bad.outputUTF8());
        ProcessResult pinned = lab("fleet", "submit", "pinned.service", "--name", "fb");
        assertEquals(2, pinned.getExitValue(), pinned.outputUTF8());
        assertTrue(pinned.outputUTF8().contains("MachineID cannot be used with Global"), pinned.outputUTF8());
    }
}
