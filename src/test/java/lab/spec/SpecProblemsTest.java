package lab.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every kind of bad lab.yaml gives its own message at the right line and column. */
class SpecProblemsTest {

    static Stream<Arguments> badSpecs() {
        return Stream.of(
                Arguments.of("unknown key", "nmae: x\n", "1:1", "unknown key \"nmae\" in the top level; did you mean \"name\"?"),
                Arguments.of("unknown nested key", "etcd:\n  heartbeat: 100\n", "2:3",
                        "unknown key \"heartbeat\" in etcd; did you mean \"heartbeat-interval\"?"),
                Arguments.of("wrong type", "etcd:\n  heartbeat-interval: fast\n", "2:23",
                        "\"heartbeat-interval\" must be a whole number, got \"fast\""),
                Arguments.of("wrong type of nodes", "nodes: three\n", "1:8",
                        "\"nodes\" must be a number of members (nodes: 3) or a list of nodes, got \"three\""),
                Arguments.of("duplicate name", "nodes:\n  - name: core-01\n  - name: core-01\n", "3:5",
                        "duplicate node name \"core-01\" (also at lab.yaml:2:5)"),
                Arguments.of("duplicate address", "nodes:\n  - address: 172.17.8.101\n  - address: 172.17.8.101\n"
                        + "  - {}\n", "3:5", "duplicate address 172.17.8.101: core-01 and core-02"),
                Arguments.of("outside subnet", "nodes:\n  - address: 10.0.0.5\n", "2:14",
                        "address 10.0.0.5 is outside the lab subnet 172.17.8.0/24"),
                Arguments.of("host address", "nodes:\n  - address: 172.17.8.1\n", "2:14",
                        "address 172.17.8.1 is the host's own address on the lab network (VirtualBox host-only "
                                + "adapter, netns bridge); pick another"),
                Arguments.of("zero members", "nodes: 0\n", "1:1", "no member: a lab needs at least one etcd member"),
                Arguments.of("too many members", "nodes: 11\n", "1:1", "11 members: at most 9 voting members are "
                        + "supported (every write waits for a majority; more members only slow it down). Use proxies "
                        + "or workers for the rest"),
                Arguments.of("workers without members", "nodes: 0\ngroups:\n  - role: worker\n    count: 2\n"
                        + "  - role: proxy\n", "1:1", "2 workers and 1 proxy but no member: they need etcd members to "
                        + "talk to"),
                Arguments.of("bad metadata", "groups:\n  - role: worker\n    metadata: role worker\n", "3:15",
                        "bad metadata \"role worker\": \"role worker\" has no '='; expected key=value pairs separated "
                                + "by commas, like role=worker,instancetype=r3"),
                Arguments.of("bad metadata value", "groups:\n  - role: worker\n    metadata: role=,x=y\n", "3:15",
                        "bad metadata \"role=,x=y\": value of \"role\" must be non-empty without spaces, ',' or '='; "
                                + "expected key=value pairs separated by commas, like role=worker,instancetype=r3"),
                Arguments.of("unknown role", "nodes:\n  - role: leader\n", "2:11",
                        "unknown role \"leader\"; use member, proxy or worker"),
                Arguments.of("election timeout too short", "etcd:\n  heartbeat-interval: 300\n  election-timeout: 1000\n",
                        "3:21", "election-timeout 1000 ms must be at least 5 x heartbeat-interval (1500 ms); etcd "
                                + "refuses to start otherwise"),
                Arguments.of("tls of the wrong type", "security: {tls: always}\n", "1:17",
                        "\"tls\" must be true or false, got \"always\""),
                Arguments.of("unknown security key", "security: {tls: true, cipher: aes}\n", "1:23",
                        "unknown key \"cipher\" in security; known keys: tls, client-cert-auth, auth"),
                Arguments.of("client certs without tls", "security: {client-cert-auth: true}\n", "1:12",
                        "client-cert-auth: needs tls: true (client certificates are a TLS handshake's)"),
                Arguments.of("auth of the wrong type", "security: {auth: yes please}\n", "1:18",
                        "\"auth\" must be true or false, got \"yes please\""),
                Arguments.of("auth with locksmith's etcd lock", "security: {auth: true}\nupdate: {reboot-strategy: "
                        + "etcd-lock}\n", "2:1", "update: {reboot-strategy: etcd-lock} with security: {auth: true}: "
                        + "locksmithd would need etcd credentials in every user-data (locksmith's etcd_username and "
                        + "etcd_password), which lab does not render; use reboot-strategy reboot or off"),
                Arguments.of("auth on coreos", "profile: coreos\nsecurity: {auth: true}\n", "2:1", "security: {auth: "
                        + "true} is built for the flatcar profile (etcd v3's users and roles); the coreos profile's etcd2 "
                        + "and fleet speak the v2 API, whose auth lab does not set up"),
                Arguments.of("tls on coreos", "profile: coreos\nsecurity: {tls: true}\n", "2:1", "security: {tls: true} "
                        + "is built for the flatcar profile (etcd-member with its certificates under ETCD_SSL_DIR); the "
                        + "coreos profile's etcd2 has no TLS rendering"),
                Arguments.of("quota not a size", "etcd:\n  quota-backend-bytes: lots\n", "2:24",
                        "quota-backend-bytes takes a size from 1MiB to 8GiB, like 16MiB; got \"lots\""),
                Arguments.of("bad agent ttl", "fleet:\n  agent-ttl: 500ms\n", "2:14", "agent-ttl takes whole "
                        + "seconds from 1s to 1h (fleet renews leases in seconds), got \"500ms\""),
                Arguments.of("unknown fleet key", "fleet:\n  agent_ttl: 5s\n", "2:3",
                        "unknown key \"agent_ttl\" in fleet; did you mean \"agent-ttl\"?"),
                Arguments.of("bad subnet", "subnet: 172.17.8/24\n", "1:9",
                        "subnet \"172.17.8/24\" is not an IPv4 network like 172.17.8.0/24"),
                Arguments.of("unknown profile", "profile: ubuntu\n", "1:10",
                        "unknown profile \"ubuntu\"; use one of: flatcar, coreos"),
                Arguments.of("bad node name", "nodes:\n  - name: Core_01\n", "2:5",
                        "node name \"Core_01\" is not a valid hostname (lowercase letters, digits and '-', not "
                                + "starting or ending with '-')"),
                Arguments.of("bad lab name", "name: My Lab\n", "1:7", "lab name \"My Lab\" must be 1-32 lowercase "
                        + "letters, digits or '-' (it names directories, VMs and network devices)"),
                Arguments.of("YAML syntax", "nodes: 3\n  etcd: x\n", "2:7",
                        "YAML syntax: mapping values are not allowed here"),
                Arguments.of("duplicate key", "nodes: 3\nnodes: 5\n", "2:1",
                        "duplicate key \"nodes\" in the top level (first at line 1)"),
                Arguments.of("not a mapping", "- core-01\n", "1:1",
                        "the top level must be a mapping (key: value lines), got a list"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSpecs")
    void badSpec(String what, String yaml, String lineCol, String message) {
        BadInputException e = assertThrows(BadInputException.class,
                () -> SpecLoader.parse("lab.yaml", yaml, Overrides.none()));
        List<String> lines = e.problems().stream().map(Problem::toString).toList();
        assertTrue(lines.contains("lab.yaml:" + lineCol + ": error: " + message), () -> String.join("\n", lines));
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        String yaml = "nmae: x\netcd:\n  snapshot-count: -1\nnodes:\n  - role: leader\n  - address: 10.1.1.1\n";
        BadInputException e = assertThrows(BadInputException.class,
                () -> SpecLoader.parse("lab.yaml", yaml, Overrides.none()));
        assertEquals(List.of(1, 3, 5, 6), e.problems().stream().filter(p -> p.severity() == Severity.ERROR)
                .map(p -> p.pos().line()).toList(),
                e.getMessage());
    }

    @Test
    void evenMemberCountIsAWarningNotAnError() {
        SpecLoader.Loaded l = SpecLoader.parse("lab.yaml", "nodes: 4\n", Overrides.none());
        assertEquals(4, l.spec().members().size());
        assertEquals(List.of("lab.yaml:1:1: warning: 4 members tolerate 1 failure(s), the same as 3: the extra member "
                + "adds no fault tolerance (use an odd count)"), l.warnings().stream().map(Problem::toString).toList());
    }
}
