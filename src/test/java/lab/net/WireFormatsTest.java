package lab.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.Set;
import lab.provider.DaemonView;
import org.junit.jupiter.api.Test;

/** What the CLI and the daemon exchange in text: fault rules and the daemon's view of the lab. */
class WireFormatsTest {

    @Test
    void rulesSurviveTheTripThroughText() {
        LinkRules r = LinkRules.NONE.partition(List.of(List.of("core-01"), List.of("core-02", "core-03")))
                .block("core-04", "core-05").delay("core-02", 200, 50);
        assertEquals(r, LinkRules.fromText(r.toText()));
        assertEquals(Set.of("core-02", "core-03"), LinkRules.fromText(r.toText()).cutFrom("core-01"));
        assertEquals(LinkRules.NONE, LinkRules.fromText(""));
        assertEquals("cut core-04 core-05\ndelay core-02 200 50\n",
                LinkRules.NONE.block("core-04", "core-05").delay("core-02", 200, 50).toText());
    }

    @Test
    void garbageRulesAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> LinkRules.fromText("cut core-01\n"));
    }

    @Test
    void theAgentTtlComesFromTheNodesUserData() {
        var spec = lab.spec.SpecLoader.parse("lab.yaml", "nodes: 1\nfleet: {agent-ttl: 30s}\n",
                lab.spec.Overrides.none()).spec();
        String userData = lab.render.LabRenderer.render(spec).userData("core-01");
        assertEquals(30, DaemonView.agentTtlSeconds(Map.of("core-01", userData)));
        assertEquals(5, DaemonView.agentTtlSeconds(Map.of("core-01", "#cloud-config\n")), "labs from before the "
                + "setting get the default");
    }

    @Test
    void theDaemonViewSurvivesTheTripThroughText() {
        DaemonView v = new DaemonView("lab", 17, "172.17.8.1", true,
                List.of(new String[] {"core-01", "127.17.8.101"}, new String[] {"core-02", "127.17.8.102"}), false,
                List.<String[]>of(new String[] {"worker-01", "worker", "127.17.8.121", "role=worker"}), 12);
        DaemonView back = DaemonView.parse(v.toText());
        assertEquals(12, back.agentTtlSeconds());
        assertEquals(List.of("worker-01", "worker", "127.17.8.121", "role=worker"), List.of(back.nodes().get(0)));
        assertEquals(List.of("lab", 17, "172.17.8.1", true, false), List.of(back.name(), back.block(),
                back.hostSpecAddress(), back.discovery(), back.proxied()));
        assertEquals(Map.of("core-01", "127.17.8.101", "core-02", "127.17.8.102"), Map.of(
                back.members().get(0)[0], back.members().get(0)[1], back.members().get(1)[0], back.members().get(1)[1]));
        assertThrows(IllegalArgumentException.class, () -> DaemonView.parse("member\tcore-01\t127.1.1.1\n"));
    }
}
