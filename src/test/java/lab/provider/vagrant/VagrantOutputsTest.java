package lab.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Parsing what `vagrant status --machine-readable`, `vagrant up --machine-readable` and `ssh-config` print. */
class VagrantOutputsTest {
    static String resource(String name) throws IOException {
        try (InputStream in = VagrantOutputsTest.class.getResourceAsStream("/vagrant/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRecordedStatusOfMachinesNotCreated() throws IOException {
        // recorded on this machine: Debian's vagrant 2.3.4 with vagrant-libvirt, the repo's vagrant/ directory
        Map<String, MachineReadable.MachineState> s = MachineReadable.status(resource(
                "status-not-created-libvirt.txt"));
        assertEquals(List.of("core-01", "core-02", "core-03"), List.copyOf(s.keySet()));
        s.values().forEach(m -> {
            assertEquals("not_created", m.state());
            assertEquals("libvirt", m.provider());
        });
    }

    @Test
    void runningPoweredOffAndNotCreatedMachines() throws IOException {
        Map<String, MachineReadable.MachineState> s = MachineReadable.status(resource("status-virtualbox-mixed.txt"));
        assertEquals(new MachineReadable.MachineState("core-01", "virtualbox", "running"), s.get("core-01"));
        assertEquals("poweroff", s.get("core-02").state());
        assertEquals("not_created", s.get("core-03").state());
        assertTrue(s.get("core-01").running());
    }

    @Test
    void escapedCommasAndNewlinesComeBack() {
        var l = MachineReadable.parse("1,core-01,ui,info,To stop%!(VAGRANT_COMMA) run\\n`vagrant halt`").get(0);
        assertEquals("To stop, run\n`vagrant halt`", l.datum(1));
    }

    @Test
    void upProgressIsTheMachinesUiTextWithoutVagrantsPrefix() {
        var l = MachineReadable.parse("1795337001,core-02,ui,info,==> core-02: Booting VM...").get(0);
        assertEquals("Booting VM...", MachineReadable.progress(l));
        assertEquals("", MachineReadable.progress(MachineReadable.parse("1,,ui,info,global").get(0)));
    }

    @Test
    void sshConfigGivesHostPortUserAndKeyPerMachine() throws IOException {
        Map<String, SshConfig.Host> h = SshConfig.parse(resource("ssh-config-two-running.txt"));
        assertEquals(new SshConfig.Host("core-01", "127.0.0.1", 2222, "core",
                "/home/me/lab/.lab/lab/vagrant/.vagrant/machines/core-01/virtualbox/private_key"), h.get("core-01"));
        assertEquals(2200, h.get("core-02").port());
        assertEquals(2, h.size());
    }
}
