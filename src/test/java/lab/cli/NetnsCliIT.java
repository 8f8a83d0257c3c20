package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import lab.provider.LabDir;
import lab.provider.LabState;
import lab.provider.NodeState;
import lab.provider.Processes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/** The netns provider through the real ./lab launcher, as root (CI runs as root) and, for the refusal, as nobody. */
class NetnsCliIT {
    @TempDir
    Path dir;

    @BeforeEach
    void root() throws Exception {
        Assumptions.assumeTrue(new ProcessExecutor().command("id", "-u").readOutput(true).execute().outputUTF8()
                .trim().equals("0"), "the netns provider needs root (CI runs as root)");
    }

    ProcessResult lab(String... args) throws Exception {
        return Launcher.run(dir, java.time.Duration.ofMinutes(2), java.util.Map.of(), args);
    }

    String namespaces() throws Exception {
        return new ProcessExecutor().command("ip", "netns", "list").readOutput(true).execute().outputUTF8();
    }

    @AfterEach
    void down() throws Exception {
        Launcher.downAll(dir);
    }

    @Test
    void withoutRootTheProviderSaysWhatItNeedsAndExits4() throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessResult r = new ProcessExecutor().command("setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", java, "-cp", Path.of("target", "lab.jar").toAbsolutePath().toString(), "lab.Main",
                "up", "--provider", "netns", "--subnet", "10.77.21.0/24", "--name", "nr").directory(dir.toFile())
                .readOutput(true).redirectErrorStream(true).timeout(60, TimeUnit.SECONDS).execute();
        assertEquals(4, r.getExitValue(), r.outputUTF8());
        assertTrue(r.outputUTF8().contains("needs root"), r.outputUTF8());
        assertFalse(r.outputUTF8().contains("Exception"), r.outputUTF8());
        assertFalse(Files.exists(dir.resolve(".lab/nr")), "nothing half-started is left");
    }

    @Test
    void sshRunsCommandsOnNodesAndASubnetInUseIsRefused() throws Exception {
        ProcessResult up = lab("up", "--provider", "netns", "--subnet", "10.77.22.0/24", "--name", "ns1");
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        assertTrue(up.outputUTF8().contains("quorum: yes (3/3 healthy, 2 needed)"), up.outputUTF8());

        ProcessResult ssh = lab("ssh", "core-02", "--name", "ns1", "--", "ip", "-4", "-o", "addr", "show", "eth0");
        assertEquals(0, ssh.getExitValue(), ssh.outputUTF8());
        assertTrue(ssh.outputUTF8().contains("10.77.22.102/24"), ssh.outputUTF8());
        assertEquals(7, lab("ssh", "leader", "--name", "ns1", "--", "exit 7").getExitValue(),
                "the remote exit code comes back");

        String before = namespaces();
        ProcessResult clash = lab("up", "--provider", "netns", "--subnet", "10.77.22.0/24", "--name", "ns2");
        assertEquals(4, clash.getExitValue(), clash.outputUTF8());
        assertTrue(clash.outputUTF8().contains("subnet 10.77.22.0/24 collides with this machine's route"),
                clash.outputUTF8());
        assertTrue(clash.outputUTF8().contains("the bridge of the netns lab \"ns1\" in " + dir.toAbsolutePath()
                + " (`cd " + dir.toAbsolutePath() + " && lab down --name ns1` removes it)"), clash.outputUTF8());
        assertFalse(clash.outputUTF8().contains("Exception"), clash.outputUTF8());
        assertEquals(before, namespaces(), "the refused lab created no namespace");
        assertFalse(Files.exists(dir.resolve(".lab/ns2")));
    }

    @Test
    void downRemovesEverythingAfterTheDaemonAndAnSshdWereKilled() throws Exception {
        ProcessResult up = lab("up", "--provider", "netns", "--subnet", "10.77.23.0/24", "--name", "ns3");
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        LabState s = new LabDir(dir, "ns3").read().orElseThrow();
        String tsv = Files.readString(dir.resolve(".lab/ns3/netns.tsv"));
        List<long[]> pids = new ArrayList<>();
        s.nodes().forEach(n -> pids.add(new long[] {n.pid(), n.startedAt()}));
        tsv.lines().filter(l -> l.startsWith("node\t")).map(l -> l.split("\t"))
                .forEach(f -> pids.add(new long[] {Long.parseLong(f[5]), Long.parseLong(f[6])}));
        pids.forEach(p -> assertTrue(Processes.alive(p[0], p[1])));
        Processes.kill(s.daemonPid(), s.daemonStartedAt()); // a crash of the daemon
        Processes.kill(pids.get(pids.size() - 1)[0], pids.get(pids.size() - 1)[1]); // and of one node's sshd
        String id = tsv.lines().findFirst().orElseThrow().split("\t")[1];

        ProcessResult down = lab("down", "--name", "ns3");
        assertEquals(0, down.getExitValue(), down.outputUTF8());
        pids.forEach(p -> assertFalse(Processes.alive(p[0], p[1]), "process " + p[0] + " is gone"));
        assertFalse(namespaces().contains(id), "no namespace of the lab is left");
        String links = new ProcessExecutor().command("ip", "-o", "link").readOutput(true).execute().outputUTF8();
        assertFalse(links.contains("lb-" + id) || links.contains("lv" + id), links);
        assertFalse(Files.exists(dir.resolve(".lab/ns3")));
        for (NodeState n : s.nodes()) {
            assertFalse(Processes.alive(n.pid(), n.startedAt()));
        }
    }
}
