package lab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Names and addresses are handed out the way coreos-vagrant users expect. */
class SpecLayoutTest {

    private static String line(NodeSpec n) {
        return n.name() + " " + n.role().id() + " " + n.address() + " " + n.metadataString() + " " + n.memoryMb()
                + "/" + n.cpus();
    }

    @Test
    void defaultsAreThreeFlatcarMembersFrom101() {
        LabSpec s = SpecLoader.defaults(Overrides.none()).spec();
        assertEquals("lab", s.name());
        assertEquals(Profile.FLATCAR, s.profile());
        assertEquals(Bootstrap.STATIC, s.bootstrap());
        assertEquals(ProviderKind.LOCAL, s.provider());
        assertEquals(List.of("core-01 member 172.17.8.101  1024/1", "core-02 member 172.17.8.102  1024/1",
                "core-03 member 172.17.8.103  1024/1"), s.nodes().stream().map(SpecLayoutTest::line).toList());
    }

    @Test
    void groupsStampOutRolesAfterTheMembers() {
        String yaml = """
                nodes: 3
                vm: {memory: 2048}
                groups:
                  - role: proxy
                    count: 1
                  - role: worker
                    count: 2
                    name-prefix: worker
                    metadata: role=worker,instancetype=r3
                    memory: 4096
                    cpus: 2
                """;
        LabSpec s = SpecLoader.parse("lab.yaml", yaml, Overrides.none()).spec();
        assertEquals(List.of("core-01 member 172.17.8.101  2048/1", "core-02 member 172.17.8.102  2048/1",
                "core-03 member 172.17.8.103  2048/1", "core-04 proxy 172.17.8.104  2048/1",
                "worker-01 worker 172.17.8.105 role=worker,instancetype=r3 4096/2",
                "worker-02 worker 172.17.8.106 role=worker,instancetype=r3 4096/2"),
                s.nodes().stream().map(SpecLayoutTest::line).toList());
    }

    @Test
    void explicitNodesKeepTheirAddressesAndGeneratedOnesSkipThem() {
        String yaml = """
                subnet: 10.20.0.0/16
                first-address: 10.20.1.10
                nodes:
                  - address: 10.20.1.11
                  - name: seed
                    metadata: {role: core, zone: a}
                  - {}
                """;
        LabSpec s = SpecLoader.parse("lab.yaml", yaml, Overrides.none()).spec();
        assertEquals(List.of("core-01 member 10.20.1.11  1024/1", "seed member 10.20.1.10 role=core,zone=a 1024/1",
                "core-02 member 10.20.1.12  1024/1"), s.nodes().stream().map(SpecLayoutTest::line).toList());
        assertEquals(Map.of("role", "core", "zone", "a"), s.node("seed").orElseThrow().metadata());
    }

    @Test
    void flagsOverrideTheFile() {
        String yaml = "name: a\nprofile: coreos\nnodes: 5\ngroups:\n  - role: worker\n";
        LabSpec s = SpecLoader.parse("lab.yaml", yaml,
                new Overrides("b", 1, ProviderKind.NETNS, Profile.FLATCAR, Bootstrap.DISCOVERY)).spec();
        assertEquals("b", s.name());
        assertEquals(1, s.members().size());
        assertEquals(1, s.withRole(Role.WORKER).size());
        assertEquals(Profile.FLATCAR, s.profile());
        assertEquals(ProviderKind.NETNS, s.provider());
        assertEquals(Bootstrap.DISCOVERY, s.bootstrap());
    }

    @Test
    void faultToleranceFollowsQuorumArithmetic() {
        assertEquals(List.of(0, 0, 1, 1, 2, 2, 3), List.of(1, 2, 3, 4, 5, 6, 7).stream()
                .map(n -> SpecLoader.parse("l", "nodes: " + n + "\n", Overrides.none()).spec().faultTolerance())
                .toList());
    }
}
