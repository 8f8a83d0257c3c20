package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import lab.provider.LabDir;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * A TLS lab with client-certificate auth through the launcher, on local and on netns: plain HTTP and a client
 * without the lab's certificate are refused, lab etcdctl works, and an isolated member is cut off both ways (it
 * refuses linearizable reads) until the heal. On Vagrant: refused before anything starts.
 */
class TlsCliIT {
    @TempDir
    Path dir;

    ProcessResult lab(String... args) throws Exception {
        return Launcher.run(dir, Duration.ofMinutes(2), Map.of(), args);
    }

    @AfterEach
    void down() throws Exception {
        Launcher.downAll(dir);
    }

    @Test
    void local() throws Exception {
        tlsLab("local");
    }

    @Test
    void netns() throws Exception {
        Assumptions.assumeTrue(new ProcessExecutor().command("id", "-u").readOutput(true).execute().outputUTF8().trim()
                .equals("0"), "the netns provider needs root (CI runs as root)");
        tlsLab("netns");
    }

    /** What VMs boot with: each member's own certificate and key in its user-data, which lab validate accepts. */
    @Test
    void renderWritesEachMembersCertificateIntoItsUserData() throws Exception {
        Files.writeString(dir.resolve("lab.yaml"), "name: sec\nnodes: 3\nsecurity: {tls: true}\n");
        ProcessResult render = lab("render", "--out", "out");
        assertEquals(0, render.getExitValue(), render.outputUTF8());
        for (String n : new String[] {"core-01", "core-02", "core-03"}) {
            String ud = Files.readString(dir.resolve("out/user-data/" + n + ".yaml"));
            assertTrue(ud.contains("- path: /etc/ssl/etcd/member.key\n    permissions: \"0600\"\n    owner: etcd:etcd"),
                    ud);
            assertTrue(ud.contains(Files.readString(dir.resolve("out/pki/" + n + ".crt")).lines().skip(1)
                    .findFirst().orElseThrow()), n + "'s own certificate");
            assertTrue(ud.contains("ETCD_CERT_FILE=/etc/ssl/certs/member.crt") && ud.contains(
                    "ETCD_SSL_DIR=/etc/ssl/etcd"), ud);
        }
        for (String f : new String[] {"out/pki/core-01.key", "out/user-data/core-01.yaml"}) {
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(dir.resolve(f))), f + " holds a private key");
        }
        ProcessResult validate = lab("validate", "--cloudinit", "flatcar", "lab.yaml", "out/user-data/core-01.yaml",
                "out/user-data/core-02.yaml", "out/user-data/core-03.yaml");
        assertEquals(0, validate.getExitValue(), validate.outputUTF8());
    }

    private void tlsLab(String provider) throws Exception {
        Files.writeString(dir.resolve("lab.yaml"), "name: sec\nnodes: 3\nsecurity: {tls: true, client-cert-auth: true}"
                + "\n");
        ProcessResult up = lab("up", "--provider", provider);
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        JsonNode status = LabDir.json().readTree(lab("status", "-o", "json").outputUTF8());
        String a1 = status.path("nodes").get(0).path("address").asText();
        Path pki = dir.resolve(".lab/sec/pki");

        // plain HTTP: Go's TLS server answers 400 "Client sent an HTTP request to an HTTPS server"
        HttpURLConnection plain = (HttpURLConnection) URI.create("http://" + a1 + ":2379/health").toURL()
                .openConnection();
        plain.setConnectTimeout(2000);
        plain.setReadTimeout(2000);
        int code;
        try {
            code = plain.getResponseCode();
        } catch (IOException refused) {
            code = -1;
        }
        assertTrue(code != 200, "plain HTTP was answered " + code);
        // TLS with the lab's CA trusted but no client certificate: the handshake or the request is refused
        assertThrows(IOException.class, () -> health("https://" + a1 + ":2379/health", trustOnly(pki.resolve(
                "ca.crt"))));

        ProcessResult health = lab("etcdctl", "--", "endpoint", "health");
        assertEquals(0, health.getExitValue(), health.outputUTF8());
        assertEquals(3, health.outputUTF8().lines().filter(l -> l.startsWith("https://") && l.contains(
                "is healthy")).count(), health.outputUTF8());

        assertEquals(0, lab("net", "isolate", "core-01").getExitValue());
        // cut both ways: core-01 loses its leader and refuses linearizable reads; the other two keep a quorum
        Awaitility.await("core-01 to refuse a linearizable read").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(300)).until(() -> lab("etcdctl", "--", "--endpoints=https://" + a1
                        + ":2379", "--command-timeout=1s", "get", "/x").getExitValue() != 0);
        String cut = lab("status").outputUTF8();
        assertTrue(cut.contains("quorum: yes (2/3 healthy, 2 needed)"), cut);
        assertEquals(0, lab("net", "heal").getExitValue());
        Awaitility.await("every member healthy after the heal").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300)).until(() -> lab("status").outputUTF8().contains(
                        "quorum: yes (3/3 healthy, 2 needed)"));
    }

    private static SSLContext trustOnly(Path ca) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    private static int health(String url, SSLContext ctx) throws IOException {
        HttpsURLConnection c = (HttpsURLConnection) URI.create(url).toURL().openConnection();
        c.setSSLSocketFactory(ctx.getSocketFactory());
        c.setConnectTimeout(2000);
        c.setReadTimeout(2000);
        int code = c.getResponseCode();
        c.getInputStream().close();
        return code;
    }
}
