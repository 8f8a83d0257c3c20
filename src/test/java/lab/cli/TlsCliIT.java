package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.ArrayList;
import java.util.List;
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
 * refuses linearizable reads) until the heal (on Vagrant stand-ins: VagrantStandInIT). And a lab with etcd's
 * users and roles ({@code security: {auth: true}}): the passwords file, etcd's refusal of a client without a user,
 * {@code lab etcdctl} as root, the workload user's limits, lab's own commands after restarts made members forget
 * their tokens.
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

    @Test
    void usersAndRoles() throws Exception {
        // with TLS and client certificates too, as production runs it (etcd 3.4's gateway refuses a client
        // certificate with a CommonName once auth is on: lab's has none)
        Files.writeString(dir.resolve("lab.yaml"), "name: users\nnodes: 3\nsecurity: {tls: true, client-cert-auth: "
                + "true, auth: true}\n");
        ProcessResult up = lab("up");
        assertEquals(0, up.getExitValue(), up.outputUTF8());
        Path file = dir.resolve(".lab/users/auth.json");
        assertTrue(up.outputUTF8().contains("etcd auth enabled: users root and lab, passwords in " + file
                .toAbsolutePath()), up.outputUTF8());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)), "auth.json holds root's password");
        JsonNode secrets = LabDir.json().readTree(file.toFile());
        assertTrue(secrets.path("enabled").asBoolean(), secrets::toString);
        String labPassword = secrets.path("workload").path("password").asText();
        assertEquals(24, labPassword.length());
        String endpoints = String.join(",", LabDir.json().readTree(lab("status", "-o", "json").outputUTF8())
                .path("nodes").findValuesAsText("address").stream().map(a -> "https://" + a + ":2379").toList());

        // without a user etcd refuses (a client certificate without a CommonName names no user: permission denied);
        // lab etcdctl passes root's
        ProcessResult anonymous = etcdctl(endpoints, null, "get", "/k");
        assertNotEquals(0, anonymous.getExitValue());
        assertTrue(anonymous.outputUTF8().contains("etcdserver: permission denied"), anonymous.outputUTF8());
        assertEquals(0, lab("etcdctl", "--", "put", "/k", "v").getExitValue());
        String users = lab("etcdctl", "--", "user", "list").outputUTF8();
        assertEquals(List.of("lab", "root"), users.lines().map(String::trim).filter(l -> !l.isEmpty()).sorted()
                .toList(), users);

        // the workload's user reads and writes any key, and may not change users or take snapshots
        ProcessResult get = etcdctl(endpoints, "lab:" + labPassword, "get", "/k", "--print-value-only");
        assertEquals("v", get.outputUTF8().trim(), get.outputUTF8());
        assertEquals(0, etcdctl(endpoints, "lab:" + labPassword, "put", "/mine", "x").getExitValue());
        ProcessResult userAdd = etcdctl(endpoints, "lab:" + labPassword, "user", "add", "eve:pw");
        assertNotEquals(0, userAdd.getExitValue());
        assertTrue(userAdd.outputUTF8().contains("permission denied"), userAdd.outputUTF8());
        ProcessResult wrong = etcdctl(endpoints, "lab:not-the-password", "get", "/k");
        assertTrue(wrong.outputUTF8().contains("authentication failed"), wrong.outputUTF8());

        // a restarted member forgets every token: lab's health reads log in again; its members' too
        for (String target : new String[] {"leader", "follower"}) {
            ProcessResult restart = lab("node", "restart", target);
            assertEquals(0, restart.getExitValue(), restart.outputUTF8());
        }
        Awaitility.await("3/3 healthy after the restarts").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(300)).until(() -> lab("status").outputUTF8().contains(
                        "quorum: yes (3/3 healthy, 2 needed)"));
        ProcessResult save = lab("snapshot", "save", "s.db");
        assertEquals(0, save.getExitValue(), save.outputUTF8());
        assertTrue(Files.size(dir.resolve("s.db")) > 0);
    }

    private ProcessResult etcdctl(String endpoints, String user, String... args) throws Exception {
        Path pki = dir.resolve(".lab/users/pki");
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints, "--command-timeout=5s",
                "--cacert=" + pki.resolve("ca.crt"), "--cert=" + pki.resolve("client.crt"), "--key="
                + pki.resolve("client.key")));
        cmd.addAll(List.of(args));
        ProcessExecutor p = new ProcessExecutor().command(cmd).environment("ETCDCTL_API", "3").readOutput(true)
                .redirectErrorStream(true).timeout(30, java.util.concurrent.TimeUnit.SECONDS);
        if (user != null) {
            p.environment("ETCDCTL_USER", user); // not on the command line, where ps would show it
        }
        return p.execute();
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
