package lab.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import lab.etcd.EtcdHttp;
import lab.fleet.FleetUnit;
import lab.fleet.SystemdUnitRunner;
import lab.fleet.UnitRunner;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Flatcar machine profile and fleet's systemd unit runner against real systemd, over real SSH: a
 * {@link SystemdNode} stands in for the VM (what differs from Flatcar is named there). What a VM would add, the
 * Vagrant lifecycle, is covered by the fake vagrant (VagrantFakeIT).
 */
class SystemdMachineIT {
    static final String ADDRESS = "127.66.3.1";
    static final String MACHINE_ID = "5d1c0f3e9a7b4c21a8e6f0d2b3c4a5e6";
    static final String CLIENT = "http://" + ADDRESS + ":2379";
    static final Duration CALL = Duration.ofSeconds(2);

    @TempDir
    static Path dir;
    static SystemdNode node;
    static Machine machine;

    @BeforeAll
    static void boot() throws Exception {
        assumeTrue(SystemdNode.possible(), "needs root, systemd, unshare and sshd");
        node = SystemdNode.boot(dir, "core-01", ADDRESS, 2222, MACHINE_ID);
        machine = new Machine("core-01", SystemdProfile.FLATCAR, node.transport(), false);
    }

    @AfterAll
    static void powerOff() {
        if (machine != null) {
            machine.close();
        }
        if (node != null) {
            node.close();
            assertEquals(-1, node.systemdPid(), "the stand-in's systemd is gone");
        }
    }

    static boolean answers() {
        try {
            EtcdHttp.get(CLIENT, "/probe", CALL);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static Optional<String> get(String key) {
        return EtcdHttp.get(CLIENT, key, CALL);
    }

    @Test
    void theFlatcarProfileDrivesEtcdMemberThroughSystemd() throws InterruptedException {
        assertTrue(machine.start().isPresent(), "systemctl start etcd-member gives a main PID");
        Awaitility.await("etcd to answer").atMost(Duration.ofSeconds(20)).until(SystemdMachineIT::answers);
        EtcdHttp.put(CLIENT, "/kept", "v1", CALL);

        machine.signal("STOP");
        assertFalse(answers(), "a frozen etcd does not answer");
        machine.signal("CONT");
        Awaitility.await("etcd to answer again").atMost(Duration.ofSeconds(10)).until(SystemdMachineIT::answers);

        // the unit has Restart=on-failure (1 s here): the profile's kill must keep it down anyway
        machine.kill();
        assertTrue(machine.pid().isEmpty(), "no main PID after kill");
        Thread.sleep(2500);
        assertTrue(machine.pid().isEmpty(), "still down 2.5 s later: systemd did not restart it");
        assertFalse(answers());
        assertFalse(machine.exec("systemctl is-active --quiet etcd-member.service").ok());

        machine.start();
        Awaitility.await("etcd back").atMost(Duration.ofSeconds(20)).until(SystemdMachineIT::answers);
        assertEquals(Optional.of("v1"), get("/kept"), "a killed member keeps its data");

        machine.stop(Duration.ofSeconds(5));
        assertTrue(machine.pid().isEmpty());
        machine.wipe();
        assertEquals("", machine.exec("ls -A /var/lib/etcd").stdout().trim(), "the data directory is empty");
        machine.start();
        Awaitility.await("a fresh etcd").atMost(Duration.ofSeconds(20)).until(SystemdMachineIT::answers);
        assertEquals(Optional.empty(), get("/kept"), "a wiped member starts empty");
        machine.stop(Duration.ofSeconds(5));
    }

    @Test
    void fleetUnitsRunAsSystemdUnitsWithSystemdsSpecifiers() {
        machine.start();
        Awaitility.await("etcd to answer").atMost(Duration.ofSeconds(20)).until(SystemdMachineIT::answers);
        String ctl = "/usr/bin/env ETCDCTL_API=3 /usr/bin/etcdctl --endpoints=" + CLIENT;
        FleetUnit hello = FleetUnit.parse("hello@1.service", String.join("\n",
                "[Unit]", "Description=hello %i on %H",
                "[Service]",
                "ExecStartPre=-" + ctl + " del /test/%m",
                "ExecStart=/bin/sh -c 'while true; do echo hello %i from %m; sleep 1; done'",
                "ExecStartPost=" + ctl + " put /test/%m %i",
                "ExecStopPost=-" + ctl + " del /test/%m",
                "[X-Fleet]", "Conflicts=hello@*.service", ""));
        SystemdUnitRunner runner = new SystemdUnitRunner(machine);
        assertTrue(runner.reachable());
        assertEquals(MACHINE_ID, SystemdUnitRunner.machineId(machine), "fleet's machine ID is /etc/machine-id");
        assertFalse(runner.running("hello@1.service"));

        assertTrue(runner.start(hello, UnitRunner.specifiers("hello@1.service", MACHINE_ID, "core-01")));
        assertTrue(runner.running("hello@1.service"));
        assertEquals(Optional.of("1"), get("/test/" + MACHINE_ID), "ExecStartPost ran, %m and %i expanded by systemd");
        assertEquals(hello.serialize().strip(), machine.exec("cat " + SystemdUnitRunner.UNIT_DIR + "/hello@1.service")
                .stdout().strip(), "the unit systemd runs is the one fleet's registry holds");
        Awaitility.await("its output in the journal").atMost(Duration.ofSeconds(10)).until(() ->
                runner.output("hello@1.service", 5).contains("hello 1 from " + MACHINE_ID));

        runner.stop("hello@1.service");
        assertFalse(runner.running("hello@1.service"));
        assertEquals(Optional.empty(), get("/test/" + MACHINE_ID), "ExecStopPost removed the registration");
        assertFalse(machine.exec("test -e " + SystemdUnitRunner.UNIT_DIR + "/hello@1.service").ok(),
                "the unit file is gone");
        assertEquals("", machine.exec("pgrep -f 'hello [1] from' || true").stdout().trim(), "nothing of it runs");

        // a unit whose ExecStartPre fails does not start, and says so
        FleetUnit broken = FleetUnit.parse("broken.service", "[Service]\nExecStartPre=/bin/false\n"
                + "ExecStart=/bin/sleep 60\n");
        assertFalse(runner.start(broken, Map.of()));
        assertFalse(runner.running("broken.service"));
        runner.stopAll();
        machine.stop(Duration.ofSeconds(5));
    }
}
