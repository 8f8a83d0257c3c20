package lab.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import lab.render.LabRenderer;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * The VM lifecycle against a FAKE `vagrant` (src/test/resources/fake-vagrant/vagrant): no VM can boot here. The fake
 * records every call and answers in Vagrant's formats; these tests assert the exact command lines and their order.
 */
class VagrantFakeIT {
    static final Path LAB = Path.of("lab").toAbsolutePath();

    @TempDir
    Path dir;

    Path fake;
    Path home;

    @BeforeEach
    void fake() throws Exception {
        // the fake loads the Vagrantfile with vagrantfile.rb, next to it
        lab.machine.SystemdNode.copyResources("fake-vagrant", dir.resolve("bin"));
        fake = dir.resolve("bin/vagrant");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = dir.resolve("fake-home");
        Files.createDirectories(home);
    }

    List<String> calls() throws Exception {
        Path log = home.resolve("calls.log");
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** VagrantCli reads $LAB_VAGRANT from the environment; run it in a child JVM that has it. */
    ProcessResult java(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path")));
        cmd.addAll(List.of(args));
        return new ProcessExecutor().command(cmd).directory(dir.toFile()).environment(Map.of("LAB_VAGRANT",
                fake.toString(), "FAKE_VAGRANT_HOME", home.toString(), "LAB_SSH_CONNECT", "2")).readOutput(true)
                .redirectErrorStream(true).timeout(2, TimeUnit.MINUTES).execute();
    }

    @Test
    void theLifecycleCallsVagrantWithTheseCommandLinesInThisOrder() throws Exception {
        Path vagrantDir = dir.resolve("vm/vagrant");
        LabRenderer.write(LabRenderer.render(SpecLoader.parse("lab.yaml", "name: fk\nprovider: vagrant\nnodes: 3\n",
                Overrides.none()).spec()), dir.resolve("vm"));
        ProcessResult r = java(VagrantLifecycleMain.class.getName(), vagrantDir.toString());
        assertEquals(0, r.getExitValue(), r.outputUTF8());
        assertEquals(List.of(
                "--version",
                "status --machine-readable",
                "up --machine-readable --no-parallel core-01 core-02 core-03",
                "status --machine-readable",
                "ssh-config core-01 core-02 core-03",
                "ssh core-02 -c cat /etc/ssh/ssh_host_ed25519_key.pub",
                "halt --force core-02",
                "status --machine-readable",
                "reload core-02",
                "provision core-03",
                "destroy -f",
                "status --machine-readable"), calls());
        String out = r.outputUTF8();
        assertTrue(out.contains("core-02: Booting VM... ("), "progress names the VM, the phase and the time: " + out);
        assertTrue(out.contains("after up: core-01=running core-02=running core-03=running"), out);
        assertTrue(out.contains("after halt: core-01=running core-02=poweroff core-03=running"), out);
        assertTrue(out.contains("after destroy: core-01=not_created core-02=not_created core-03=not_created"), out);
    }

    @Test
    void labUpOnVagrantRendersBringsUpLearnsHostKeysAndDestroysWhenSshFails() throws Exception {
        ProcessResult r = new ProcessExecutor().command(LAB.toString(), "up", "--provider", "vagrant", "--name", "vm")
                .directory(dir.toFile()).environment(Map.of("LAB_VAGRANT", fake.toString(), "FAKE_VAGRANT_HOME",
                        home.toString(), "LAB_SSH_CONNECT", "2")).readOutput(true).redirectErrorStream(true)
                .timeout(2, TimeUnit.MINUTES).execute();
        String out = r.outputUTF8();
        assertEquals(4, r.getExitValue(), out);
        assertTrue(out.contains("cannot connect to core@127.0.0.1:1 within 2 s"), out);
        assertFalse(out.contains("\tat "), "no stack trace: " + out);
        assertEquals(List.of(
                "status --machine-readable",
                "up --machine-readable --no-parallel core-01 core-02 core-03",
                "ssh-config core-01 core-02 core-03",
                "ssh core-01 -c cat /etc/ssh/ssh_host_ed25519_key.pub",
                "ssh core-02 -c cat /etc/ssh/ssh_host_ed25519_key.pub",
                "ssh core-03 -c cat /etc/ssh/ssh_host_ed25519_key.pub",
                "status --machine-readable", // starting etcd on core-01: is its VM running?
                "destroy -f"), calls(), "a failed bring-up destroys the VMs it made");
        assertFalse(Files.exists(dir.resolve(".lab/vm")), "and leaves no lab behind");
    }

    /** A Vagrant lab as `lab up` leaves it, written directly: the fake cannot boot VMs that would answer over SSH. */
    void vagrantLabIsUp(String yaml) throws Exception {
        lab.spec.LabSpec spec = SpecLoader.parse("lab.yaml", yaml, Overrides.none()).spec();
        LabRenderer.Rendered r = LabRenderer.render(spec);
        List<lab.provider.NodeState> nodes = new ArrayList<>();
        for (lab.spec.NodeSpec n : spec.nodes()) {
            nodes.add(new lab.provider.NodeState(n.name(), n.role(), n.address(), n.address(),
                    lab.render.NodeEtcd.Kind.MEMBER, 0, 0, "", false, false, "", lab.provider.NodeState.Process.RUNNING));
        }
        lab.provider.LabDir d = new lab.provider.LabDir(dir, spec.name());
        Map<String, String> userData = new java.util.HashMap<>();
        spec.nodes().forEach(n -> userData.put(n.name(), r.userData(n.name())));
        d.write(new lab.provider.LabState(spec.name(), spec.provider(), "lab.yaml", 0, "172.17.8.1", false, nodes,
                userData, 0, 0, 0));
        LabRenderer.write(r, d.root());
        new VagrantBackend.Vms(spec.profile(), Map.of()).write(d);
    }

    ProcessResult labWith(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAB.toString()));
        cmd.addAll(List.of(args));
        return new ProcessExecutor().command(cmd).directory(dir.toFile()).environment(Map.of("LAB_VAGRANT",
                fake.toString(), "FAKE_VAGRANT_HOME", home.toString(), "LAB_SSH_CONNECT", "2")).readOutput(true)
                .redirectErrorStream(true).timeout(2, TimeUnit.MINUTES).execute();
    }

    @Test
    void upOnAChangedSpecProvisionsTheChangedVmsAgainOrSaysToRecreate() throws Exception {
        vagrantLabIsUp("name: rp\nprovider: vagrant\nnodes: 3\n");
        Files.writeString(dir.resolve("lab.yaml"), "name: rp\nprovider: vagrant\nnodes: 3\netcd:\n"
                + "  heartbeat-interval: 150\n  election-timeout: 1500\n");
        ProcessResult r = labWith("up");
        String out = r.outputUTF8();
        assertEquals(List.of("provision core-01", "provision core-02", "provision core-03"), calls(), out);
        assertTrue(out.contains("core-02: user-data changed; provisioned again"), out);
        assertTrue(Files.readString(dir.resolve(".lab/rp/user-data/member.yaml")).contains("ETCD_HEARTBEAT_INTERVAL"
                + "=150"), "the new user-data is what was provisioned");

        Files.writeString(home.resolve("calls.log"), "");
        Files.writeString(dir.resolve("lab.yaml"), "name: rp\nprovider: vagrant\nnodes: 5\n");
        ProcessResult grow = labWith("up");
        assertEquals(2, grow.getExitValue(), grow.outputUTF8());
        assertTrue(grow.outputUTF8().contains("VMs are not added or removed in place"), grow.outputUTF8());
        assertEquals(List.of(), calls(), "nothing was asked of vagrant");
        assertTrue(Files.exists(dir.resolve(".lab/rp")), "and the lab is still there");
    }

    @Test
    void powerOffIsAHardHaltOfTheVmAndDownDestroysTheVms() throws Exception {
        vagrantLabIsUp("name: po\nprovider: vagrant\nnodes: 3\n");
        ProcessResult off = labWith("node", "poweroff", "core-02", "--name", "po");
        assertEquals(0, off.getExitValue(), off.outputUTF8());
        assertTrue(off.outputUTF8().contains("powered off core-02"), off.outputUTF8());
        assertEquals(List.of("halt --force core-02"), calls());
        assertTrue(Files.readString(dir.resolve(".lab/po/state.json")).contains("KILLED"), "the lab knows it is down");

        ProcessResult down = labWith("down", "--name", "po");
        assertEquals(0, down.getExitValue(), down.outputUTF8());
        assertEquals(List.of("halt --force core-02", "destroy -f"), calls());
        assertFalse(Files.exists(dir.resolve(".lab/po")));
    }

    @Test
    void aDownThatCannotDestroyTheVmsKeepsTheLabSoThatItCanBeRetried() throws Exception {
        vagrantLabIsUp("name: kd\nprovider: vagrant\nnodes: 3\n");
        ProcessResult failed = new ProcessExecutor().command(LAB.toString(), "down", "--name", "kd")
                .directory(dir.toFile()).environment(Map.of("LAB_VAGRANT", "/bin/false")).readOutput(true)
                .redirectErrorStream(true).timeout(2, TimeUnit.MINUTES).execute();
        assertEquals(4, failed.getExitValue(), failed.outputUTF8());
        assertTrue(failed.outputUTF8().contains("`vagrant destroy -f` failed"), failed.outputUTF8());
        assertTrue(Files.exists(dir.resolve(".lab/kd/state.json")), "the lab is still known, VMs and all");
        ProcessResult retried = labWith("down", "--name", "kd");
        assertEquals(0, retried.getExitValue(), retried.outputUTF8());
        assertEquals(List.of("destroy -f"), calls());
        assertFalse(Files.exists(dir.resolve(".lab/kd")));
    }

    @Test
    void doctorSaysOnOneScreenWhatIsThereAndWhatIsMissing() throws Exception {
        ProcessResult r = new ProcessExecutor().command(LAB.toString(), "doctor").directory(dir.toFile())
                .environment(Map.of("LAB_VAGRANT", fake.toString(), "FAKE_VAGRANT_HOME", home.toString()))
                .readOutput(true).redirectErrorStream(true).timeout(2, TimeUnit.MINUTES).execute();
        String out = r.outputUTF8();
        assertTrue(out.contains("ok       vagrant ") && out.contains("(Vagrant 2.3.4)"), out);
        assertTrue(out.contains("box flatcar-stable") && out.contains("present"), "the fake lists the box: " + out);
        assertTrue(out.contains("memory ") && out.contains("3072 MiB for 3 VM(s)"), out);
        assertTrue(out.contains("subnet 172.17.8.0/24"), out);
        assertTrue(out.lines().count() < 15, "one screen");
        boolean missing = out.lines().anyMatch(l -> l.startsWith("MISSING"));
        assertEquals(missing ? 4 : 0, r.getExitValue(), out);
        assertEquals(missing, out.contains("something is missing"), out);
    }

    @Test
    void withoutVagrantTheProviderSaysHowToInstallItAndExits4() throws Exception {
        ProcessResult r = new ProcessExecutor().command(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", Path.of("target", "lab.jar").toAbsolutePath().toString(), "lab.Main", "up",
                "--provider", "vagrant", "--name", "nv").directory(dir.toFile()).environment(Map.of("PATH",
                "/nonexistent", "LAB_VAGRANT", "")).readOutput(true).redirectErrorStream(true)
                .timeout(2, TimeUnit.MINUTES).execute();
        assertEquals(4, r.getExitValue(), r.outputUTF8());
        assertTrue(r.outputUTF8().contains("vagrant is not installed"), r.outputUTF8());
        assertFalse(Files.exists(dir.resolve(".lab/nv")));
    }
}
