package lab.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import lab.etcd.EtcdHttp;
import lab.machine.SystemdNode;
import lab.render.LabRenderer;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * The Vagrant provider end to end, on the FAKE vagrant's stand-in VMs (FAKE_VAGRANT_VMS=standin): each VM is a
 * network namespace on a host-only bridge running real systemd, sshd and an etcd-member.service, its rendered user-data
 * applied by a fake coreos-cloudinit. Everything above `vagrant` is the real provider: SSH with learnt host keys,
 * the Flatcar profile's systemctl commands, poweroff as `halt --force`, fleet units as systemd units, a scenario with
 * its workload and checks.
 */
class VagrantStandInIT {
    static final Path LAB = Path.of("lab").toAbsolutePath();
    static final String SUBNET = "172.31.78.0/24";
    static final String NET = "172.31.78.";
    static final Duration CALL = Duration.ofSeconds(2);

    @TempDir
    Path dir;
    Path home;
    Path fake;

    @BeforeEach
    void fake() throws Exception {
        assumeTrue(SystemdNode.possible() && Files.isExecutable(Path.of("/usr/bin/ruby")),
                "needs root, systemd, unshare, sshd and ruby");
        // the fake finds boot.sh and the units next to it, as in src/test/resources
        SystemdNode.copyResources("fake-vagrant", dir.resolve("fake/fake-vagrant"));
        SystemdNode.copyResources("systemd-node", dir.resolve("fake/systemd-node"));
        fake = dir.resolve("fake/fake-vagrant/vagrant");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));
        home = dir.resolve("fake-home");
        Files.createDirectories(home);
    }

    @AfterEach
    void down() throws Exception {
        if (home == null) {
            return;
        }
        lab("down", "--name", "vsi");
        // whatever happened above: no stand-in VM, namespace or bridge of this test stays
        ProcessResult left = new ProcessExecutor().command("ip", "-o", "link", "show").readOutput(true).execute();
        String id = fakeId();
        assertFalse(left.outputUTF8().contains("fvb" + id), "the fake's bridge is gone");
        String ns = new ProcessExecutor().command("ip", "netns", "list").readOutput(true).execute().outputUTF8();
        assertFalse(ns.contains("fvm" + id), "the fake's namespaces are gone: " + ns);
        try (var pids = Files.list(home.resolve("vms"))) {
            assertEquals(List.of(), pids.filter(p -> p.toString().endsWith(".pid")).toList(), "no VM runs");
        } catch (java.nio.file.NoSuchFileException none) {
            // no VM was ever booted
        }
    }

    /** The fake names its bridge and namespaces after a checksum of its home directory (CRC-32, as Ruby's Zlib). */
    String fakeId() {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(home.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return String.format("%05d", crc.getValue() % 100_000);
    }

    ProcessResult lab(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(LAB.toString()));
        cmd.addAll(List.of(args));
        return new ProcessExecutor().command(cmd).directory(dir.toFile()).environment(Map.of("LAB_VAGRANT",
                fake.toString(), "FAKE_VAGRANT_HOME", home.toString(), "FAKE_VAGRANT_VMS", "standin",
                "LAB_SSH_CONNECT", "10")).readOutput(true).redirectErrorStream(true).timeout(5, TimeUnit.MINUTES)
                .execute();
    }

    String ok(String... args) throws Exception {
        ProcessResult r = lab(args);
        assertEquals(0, r.getExitValue(), String.join(" ", args) + ":\n" + r.outputUTF8());
        return r.outputUTF8();
    }

    List<String> calls() throws Exception {
        return Files.readAllLines(home.resolve("calls.log"));
    }

    static String client(int node) {
        return "http://" + NET + (100 + node) + ":2379";
    }

    static boolean answers(int node) {
        try {
            EtcdHttp.get(client(node), "/probe", CALL);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void vagrantLabsRunOnStandInVmsWithFaultsAndFleet() throws Exception {
        String up = ok("up", "--provider", "vagrant", "--subnet", SUBNET, "--name", "vsi");
        assertTrue(up.contains("3 member(s) on Vagrant VMs on " + SUBNET), up);
        assertEquals(3, EtcdHttp.members(client(1), CALL).size());
        // the user-data was applied on the VM ($private_ipv4 filled in) and etcd is systemd's etcd-member
        assertTrue(ok("ssh", "core-02", "--name", "vsi", "--", "cat /etc/lab/cluster.env")
                .contains("FLEET_PUBLIC_IP=" + NET + "102"));
        assertEquals("active", ok("ssh", "core-02", "--name", "vsi", "--", "systemctl is-active etcd-member")
                .trim());
        // the lab logs in as the box's user, with its own key, kept the way the OS keeps keys
        assertEquals("core", ok("ssh", "core-02", "--name", "vsi", "--", "id -un").trim());
        assertTrue(ok("ssh", "core-02", "--name", "vsi", "--", "ls ~/.ssh/authorized_keys.d").contains("lab-vsi"));

        // a reboot rebuilds authorized_keys from authorized_keys.d: the lab's key and Vagrant's survive it, and the
        // box applies its user-data again at boot, so etcd comes back as a member with its data
        EtcdHttp.put(client(1), "/before-reboot", "v0", Duration.ofSeconds(5));
        ok("node", "reboot", "core-02", "--name", "vsi");
        assertTrue(calls().contains("reload core-02"), calls().toString());
        assertEquals("core", ok("ssh", "core-02", "--name", "vsi", "--", "id -un").trim(), "SSH after a reboot");
        Awaitility.await("core-02 back after its reboot").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> EtcdHttp.get(client(2), "/before-reboot", CALL).equals(Optional.of("v0")));

        // kill: the unit stays down (Restart=on-failure notwithstanding) and the others keep quorum
        ok("node", "kill", "core-02", "--name", "vsi");
        Thread.sleep(2500);
        assertFalse(answers(2), "a killed member stays down");
        EtcdHttp.put(client(1), "/kept", "v1", Duration.ofSeconds(5));

        // poweroff is a hard halt of the VM; its disk keeps etcd's data for the next boot
        ok("node", "poweroff", "core-03", "--name", "vsi");
        assertTrue(calls().contains("halt --force core-03"), calls().toString());
        assertFalse(answers(3));
        ok("node", "start", "core-02", "--name", "vsi");
        ok("node", "start", "core-03", "--name", "vsi");
        assertTrue(calls().contains("up --machine-readable --no-parallel core-03"), calls().toString());
        Awaitility.await("core-03 back with its data").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> EtcdHttp.get(client(3), "/kept", CALL).equals(Optional.of("v1")));

        // fleet: units are systemd units on the VMs; a powered-off VM's unit moves
        Files.writeString(dir.resolve("hello@.service"), String.join("\n", "[Unit]",
                "Description=hello %i", "[Service]", "ExecStartPre=etcdctl put /test/%m %H",
                "ExecStart=/bin/sh -c 'while true; do echo hello %i from %H; sleep 1; done'",
                "ExecStopPost=-etcdctl del /test/%m", "[X-Fleet]", "Conflicts=hello@*.service", ""));
        ok("fleet", "start", "hello@1.service", "--name", "vsi");
        Awaitility.await("hello@1 to run").atMost(Duration.ofSeconds(30)).until(() -> lab("fleet", "list-units",
                "--no-legend", "--name", "vsi").outputUTF8().contains("running"));
        String line = ok("fleet", "list-units", "--no-legend", "--name", "vsi").lines().findFirst().orElseThrow();
        String ip = line.split("\\s+")[1].split("/")[1];
        String node = "core-0" + ip.substring(ip.length() - 1);
        String machineId = ok("ssh", node, "--name", "vsi", "--", "cat /etc/machine-id").trim();
        assertEquals(Optional.of(node), EtcdHttp.get(client(1), "/test/" + machineId, CALL),
                "the unit ran on " + node + ", where systemd expanded %m and %H");
        assertTrue(ok("fleet", "status", "hello@1.service", "--name", "vsi").contains("hello 1 from " + node),
                "status shows the unit's journal");

        ok("node", "poweroff", node, "--name", "vsi");
        long t0 = System.nanoTime();
        Awaitility.await("hello@1 to move").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(300))
                .until(() -> lab("fleet", "list-units", "--no-legend", "--name", "vsi").outputUTF8().lines()
                        .anyMatch(l -> l.startsWith("hello@1.service") && !l.contains(ip) && l.contains("running")));
        System.out.printf("hello@1.service moved %.2f s after %s was powered off (agent TTL 5 s)%n",
                (System.nanoTime() - t0) / 1e9, node);

        ok("down", "--name", "vsi");
        assertTrue(calls().contains("destroy -f"), calls().toString());
    }

    /** Runs the fake vagrant itself in {@code vagrantDir}, as `lab` would. */
    ProcessResult vagrant(Path vagrantDir, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(fake.toString()));
        cmd.addAll(List.of(args));
        return new ProcessExecutor().command(cmd).directory(vagrantDir.toFile()).environment(Map.of(
                "FAKE_VAGRANT_HOME", home.toString(), "FAKE_VAGRANT_VMS", "standin", "FAKE_VAGRANT_BOOT_TIMEOUT", "8"))
                .readOutput(true).redirectErrorStream(true).timeout(3, TimeUnit.MINUTES).execute();
    }

    /**
     * The stand-ins hold a rendering to what a real Flatcar box does with it, not to what lab meant: the rendering
     * of before (keys with '-', a key Vagrant inserts, the lab's key appended to authorized_keys) loses its etcd
     * settings and, after a reboot, SSH; today's keeps both.
     */
    /**
     * A TLS lab on stand-in VMs: each member's certificate and key arrive in its user-data (write_files under
     * /etc/ssl/etcd, the key 0600), etcd-member finds them where Flatcar's wrapper mounts ETCD_SSL_DIR, plain HTTP
     * is refused and lab etcdctl speaks TLS; the rendered user-data passes lab validate for Flatcar.
     */
    @Test
    void aTlsLabComesUpOnStandInVms() throws Exception {
        Files.writeString(dir.resolve("tls.yaml"), "name: vsi\nnodes: 3\nsecurity: {tls: true, client-cert-auth: "
                + "true}\n");
        ok("up", "-f", "tls.yaml", "--provider", "vagrant", "--subnet", SUBNET);
        String health = ok("etcdctl", "--name", "vsi", "--", "endpoint", "health");
        assertEquals(3, health.lines().filter(l -> l.startsWith("https://" + NET) && l.contains("is healthy"))
                .count(), health);
        assertFalse(answers(1), "plain HTTP to a member is refused");
        String files = ok("ssh", "core-02", "--name", "vsi", "--", "stat -c '%a %n' /etc/ssl/etcd/*");
        assertTrue(files.contains("600 /etc/ssl/etcd/member.key"), files);
        assertTrue(files.contains("644 /etc/ssl/etcd/member.crt"), files);
        try (var userData = Files.list(dir.resolve(".lab/vsi/user-data"))) {
            List<String> args = new ArrayList<>(List.of("validate", "--cloudinit", "flatcar"));
            userData.map(Path::toString).sorted().forEach(args::add);
            assertEquals(3 + 3, args.size(), "a user-data file per member (each has its own certificate)");
            ok(args.toArray(String[]::new));
        }
        // disaster recovery on VMs: a snapshot saved from a VM and restored into every VM (the data made here and
        // copied in over SSH), then one survivor made the cluster and the others added back
        ok("etcdctl", "--name", "vsi", "--", "put", "/vm/k", "before");
        assertTrue(ok("snapshot", "save", "vm.db", "--name", "vsi").contains("vm.db"));
        ok("etcdctl", "--name", "vsi", "--", "put", "/vm/k", "after");
        ok("snapshot", "restore", "vm.db", "--force", "--name", "vsi");
        assertEquals("before", ok("etcdctl", "--name", "vsi", "--", "get", "/vm/k", "--print-value-only").trim());
        // the restored files belong to whoever owns the data directory (etcd on Flatcar, root on the stand-in)
        String owners = ok("ssh", "core-02", "--name", "vsi", "--", "sudo stat -c %U /var/lib/etcd "
                + "/var/lib/etcd/member/wal");
        assertEquals(1, owners.lines().map(String::trim).filter(l -> !l.isEmpty()).distinct().count(), owners);
        ok("member", "force-new-cluster", "core-02", "--name", "vsi");
        String status = ok("status", "--name", "vsi");
        assertTrue(status.contains("quorum: yes (3/3 healthy, 2 needed)"), status);
        assertEquals("before", ok("etcdctl", "--name", "vsi", "--", "get", "/vm/k", "--print-value-only").trim());
        String dropIns = ok("ssh", "core-02", "--name", "vsi", "--", "ls /etc/systemd/system/etcd-member.service.d");
        assertFalse(dropIns.contains("force-new-cluster"), "the flag is gone after its one start: " + dropIns);

        // a member added to the TLS lab boots a VM of its own with its own certificate and key, and joins over TLS
        ok("member", "add", "--name", "vsi");
        String grown = ok("etcdctl", "--name", "vsi", "--", "endpoint", "health");
        assertEquals(4, grown.lines().filter(l -> l.startsWith("https://" + NET) && l.contains("is healthy"))
                .count(), grown);
        Path added = dir.resolve(".lab/vsi/user-data/core-04.yaml");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(added)), "it holds core-04's key");
        String own = Files.readString(dir.resolve(".lab/vsi/pki/core-04.crt")).lines().skip(1).findFirst()
                .orElseThrow();
        assertTrue(Files.readString(added).contains(own), "core-04's own certificate, not core-01's");
        String served = ok("ssh", "core-04", "--name", "vsi", "--", "sudo cat /etc/ssl/etcd/member.crt");
        assertTrue(served.contains(own), served);
    }

    @Test
    void theFakeBoxAppliesUserDataAndKeysAsFlatcarDoes() throws Exception {
        String yaml = "name: fb\nnodes: 1\nsubnet: " + SUBNET + "\n";
        LabRenderer.Rendered r = LabRenderer.render(SpecLoader.parse("lab.yaml", yaml, Overrides.none()).spec());
        Path now = dir.resolve("now");
        LabRenderer.write(r, now);
        Path before = dir.resolve("before");
        LabRenderer.write(r, before);
        Path userData = before.resolve("user-data/member.yaml");
        Files.writeString(userData, Files.readString(userData).replace("drop_ins:", "drop-ins:")
                .replace("reboot_strategy:", "reboot-strategy:"));
        Path vagrantfile = before.resolve("vagrant/Vagrantfile");
        Files.writeString(vagrantfile, Files.readString(vagrantfile)
                .replace("config.ssh.insert_key = false", "config.ssh.insert_key = true")
                .replace("update-ssh-keys -u core -a \"lab-#{LAB_NAME}\" < /tmp/lab-key.pub",
                        "cat /tmp/lab-key.pub >> /home/core/.ssh/authorized_keys"));
        String client = "http://" + NET + "101:2379";

        Path old = before.resolve("vagrant");
        Path current = now.resolve("vagrant");
        try {
            oldAndNew(old, current, now, client);
        } finally {
            vagrant(old, "destroy", "-f");
            vagrant(current, "destroy", "-f");
        }
    }

    private void oldAndNew(Path old, Path current, Path now, String client) throws Exception {
        ProcessResult up = vagrant(old, "up", "core-01");
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        Awaitility.await("etcd-member to run on core-01").atMost(Duration.ofSeconds(20)).until(() ->
                vagrant(old, "ssh", "core-01", "-c", "systemctl is-active etcd-member").outputUTF8().trim()
                        .equals("active"));
        assertFalse(answersAt(client), "the drop-in written as drop-ins was ignored: etcd runs with its defaults");
        assertTrue(vagrant(old, "ssh", "core-01", "-c", "journalctl -u 'user-cloudinit@*'").outputUTF8()
                .contains("ignoring coreos.units[].drop-ins"));
        ProcessResult reload = vagrant(old, "reload", "core-01");
        assertEquals(1, reload.getExitValue(), "the key Vagrant inserted is gone after the reboot: "
                + reload.outputUTF8());
        assertTrue(reload.outputUTF8().contains("Timed out while waiting for the machine to boot"),
                reload.outputUTF8());
        vagrant(old, "destroy", "-f");

        assertEquals(0, vagrant(current, "up", "core-01").getExitValue());
        Awaitility.await("etcd on core-01's address").atMost(Duration.ofSeconds(20)).until(() -> answersAt(client));
        ProcessResult again = vagrant(current, "reload", "core-01");
        assertEquals(0, again.getExitValue(), again.outputUTF8());
        Path key = now.resolve(".lab/fb/ssh/id_ed25519");
        ProcessResult ssh = new ProcessExecutor().command("ssh", "-i", key.toString(), "-o", "IdentitiesOnly=yes",
                "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "core@" + NET + "101", "sudo -n cat /etc/flatcar/update.conf").readOutput(true)
                .redirectErrorStream(true).timeout(30, TimeUnit.SECONDS).execute();
        assertEquals(0, ssh.getExitValue(), "the lab's key lets it in after the reboot: " + ssh.outputUTF8());
        assertTrue(ssh.outputUTF8().contains("REBOOT_STRATEGY=off"), ssh.outputUTF8());
        Awaitility.await("etcd back after the reboot").atMost(Duration.ofSeconds(20)).until(() -> answersAt(client));
    }

    static boolean answersAt(String client) {
        try {
            EtcdHttp.get(client, "/probe", CALL);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void scenariosRunOnStandInVms() throws Exception {
        // forced-reelection stops every member and starts them again: a blocking `systemctl start` of the first
        // (etcd-member is Type=notify, READY needs a leader) would hang there
        // grow-1-to-5 adds four VMs at run time, each booting with user-data that joins the running cluster
        String out = ok("run", LAB.getParent().resolve("scenarios/kill-leader.yaml").toString(),
                LAB.getParent().resolve("scenarios/forced-reelection.yaml").toString(),
                LAB.getParent().resolve("scenarios/grow-1-to-5.yaml").toString(), "--provider", "vagrant",
                "--subnet", SUBNET);
        assertTrue(out.contains("PASS kill-leader") && out.contains("PASS forced-reelection")
                && out.contains("PASS grow-1-to-5") && out.contains("ok   check linearizable"), out);
        assertTrue(calls().contains("destroy -f"), "the scenario's lab was destroyed: " + calls());
    }
}
