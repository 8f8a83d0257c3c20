package lab.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A TLS lab through the Java API, used by a jetcd client of the test's own with the files {@link
 * EtcdLab#clientTls()} names: it writes and reads over TLS with client-certificate auth, and still does after the
 * leader is killed.
 */
class EtcdLabTlsIT {
    @TempDir
    Path dir;

    @Test
    void aClientOfOurOwnUsesTheLabsCertificates() throws Exception {
        Path spec = dir.resolve("lab.yaml");
        Files.writeString(spec, "name: sec\nnodes: 3\nsecurity: {tls: true, client-cert-auth: true}\n");
        String tlsHost;
        try (EtcdLab lab = EtcdLab.builder().spec(spec).workDir(dir).start()) {
            tlsHost = lab.endpoint("core-01").getHost();
            EtcdLab.ClientTls tls = lab.clientTls().orElseThrow();
            assertTrue(lab.endpointList().startsWith("https://"), lab.endpointList());
            ByteSequence key = ByteSequence.from("/tls/k", StandardCharsets.UTF_8);
            try (Client etcd = Client.builder().endpoints(lab.endpointList().split(","))
                    .sslContext(b -> b.trustManager(tls.ca().toFile()).keyManager(tls.cert().toFile(),
                            tls.key().toFile())).build()) {
                etcd.getKVClient().put(key, ByteSequence.from("v1", StandardCharsets.UTF_8)).get(10,
                        TimeUnit.SECONDS);
                String leader = lab.status().leader().orElseThrow();
                lab.kill(EtcdLab.leader());
                assertNotEquals(leader, lab.awaitNewLeader(leader, Duration.ofSeconds(20)).leader().orElseThrow());
                assertEquals("v1", etcd.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue()
                        .toString(StandardCharsets.UTF_8));
            }
        }
        // the next lab of this JVM on the same addresses is plain HTTP, and is spoken to so (a whole-library run once
        // asked every later lab for https after tls-kill-leader); it has etcd's users instead: a client of the
        // test's own logs in with credentials(), one without is refused, and lab's own calls (health) log in as root
        Path authSpec = dir.resolve("auth.yaml");
        Files.writeString(authSpec, "name: users\nnodes: 3\nsecurity: {auth: true}\n");
        try (EtcdLab users = EtcdLab.builder().spec(authSpec).workDir(dir.resolve("users")).start()) {
            assertEquals(tlsHost, users.endpoint("core-01").getHost(), "the same addresses, freed and taken again");
            assertTrue(users.endpointList().startsWith("http://"), users.endpointList());
            assertTrue(users.clientTls().isEmpty());
            EtcdLab.Credentials lab = users.credentials().orElseThrow();
            assertEquals("lab", lab.user());
            ByteSequence key = ByteSequence.from("/auth/k", StandardCharsets.UTF_8);
            try (Client etcd = Client.builder().endpoints(users.endpointList().split(","))
                    .user(ByteSequence.from(lab.user(), StandardCharsets.UTF_8))
                    .password(ByteSequence.from(lab.password(), StandardCharsets.UTF_8)).build()) {
                etcd.getKVClient().put(key, ByteSequence.from("v1", StandardCharsets.UTF_8)).get(10,
                        TimeUnit.SECONDS);
                // a restarted member forgot every token; lab's health reads and this client log in again
                users.restart(EtcdLab.leader());
                assertEquals(3, users.awaitHealthy(Duration.ofSeconds(20)).voters());
                assertEquals("v1", etcd.getKVClient().get(key).get(10, TimeUnit.SECONDS).getKvs().get(0).getValue()
                        .toString(StandardCharsets.UTF_8));
            }
            try (Client anonymous = Client.builder().endpoints(users.endpointList().split(",")).build()) {
                ExecutionException refused = assertThrows(ExecutionException.class, () -> anonymous.getKVClient()
                        .get(key).get(10, TimeUnit.SECONDS));
                assertTrue(String.valueOf(refused.getCause().getMessage()).contains("user name is empty"),
                        refused::toString);
            }
        }
    }
}
