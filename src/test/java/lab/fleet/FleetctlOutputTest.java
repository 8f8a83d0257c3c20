package lab.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import lab.spec.EnvironmentException;
import org.junit.jupiter.api.Test;

/**
 * Reading real fleet's listings (classic CoreOS VMs). The samples are HAND-WRITTEN in fleetctl's format, not recorded:
 * no fleet runs here. fleetctl prints through Go's tabwriter with a tab as padding character, so a column may be
 * followed by several tabs; --full prints whole machine IDs, --no-legend drops the header.
 */
class FleetctlOutputTest {
    static final String M1 = "2d9e3a1c4b5f46a7b8c9d0e1f2a3b4c5";
    static final String M2 = "8f7e6d5c4b3a49281706f5e4d3c2b1a0";

    @Test
    void machinesWithAndWithoutMetadata() {
        Map<FleetMachine, String> m = Fleetctl.machines(M1 + "\t172.17.8.101\trole=worker,instancetype=r3\n"
                + M2 + "\t172.17.8.102\t\t-\n");
        assertEquals(List.of("172.17.8.101", "172.17.8.102"), List.copyOf(m.values()));
        FleetMachine worker = m.keySet().iterator().next();
        assertEquals(M1, worker.id());
        assertEquals(Map.of("role", "worker", "instancetype", "r3"), worker.metadata());
        assertTrue(worker.hasMetadata(Map.of("role", java.util.Set.of("worker"))));
    }

    @Test
    void unitStatesByUnitAndMachine() {
        var s = Fleetctl.states("hello@1.service\t" + M1 + "/172.17.8.101\tactive\t\trunning\n"
                + "global.service\t" + M1 + "/172.17.8.101\tactive\t\trunning\n"
                + "global.service\t" + M2 + "/172.17.8.102\tfailed\t\tfailed\n");
        assertTrue(s.get("hello@1.service").get(M1).running());
        assertEquals(new FleetRegistry.UnitState("failed", "failed"), s.get("global.service").get(M2));
    }

    @Test
    void aJobFromItsFileAndListing() {
        Job scheduled = Fleetctl.job("hello@1.service", "[Service]\nExecStart=/bin/true\n[X-Fleet]\n"
                + "Conflicts=hello@*.service\n", "launched", M2 + "/172.17.8.102");
        assertEquals(Job.TargetState.LAUNCHED, scheduled.target());
        assertEquals(M2, scheduled.machine());
        assertEquals(List.of("hello@*.service"), scheduled.unit().conflicts());
        Job pending = Fleetctl.job("x.service", "[Service]\nExecStart=/bin/true\n", "launched", "-");
        assertNull(pending.machine());
        assertEquals(Job.TargetState.LOADED, Fleetctl.job("x.service", "", "loaded", "-").target());
    }

    @Test
    void anAnswerOfAnotherShapeIsNotReadAsFleets() {
        EnvironmentException e = assertThrows(EnvironmentException.class, () -> Fleetctl.states(
                "Error retrieving list of units from repository: googleapi: Error 503\n"));
        assertTrue(e.getMessage().contains("1 columns where 4 were asked for"), e.getMessage());
    }
}
