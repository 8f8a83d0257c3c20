package lab.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SSH transport against a real OpenSSH sshd on a loopback address, started and stopped by this test. */
class SshTransportIT {
    static final String HOST = "127.66.0.1";

    @TempDir
    static Path dir;

    static int port;
    static Process sshd;
    static Path clientKey;
    static Path knownHosts;

    @BeforeAll
    static void keysAndConfig() throws Exception {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(HOST, 0));
            port = s.getLocalPort();
        }
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("host_ed25519").toString());
        clientKey = dir.resolve("client/id_ed25519");
        String pub = SshKeys.ensure(clientKey, "lab-test");
        Files.writeString(dir.resolve("authorized_keys"), pub + "\n");
        knownHosts = dir.resolve("known_hosts");
        Files.writeString(knownHosts, SshKeys.knownHostsLine(HOST, port,
                Files.readString(dir.resolve("host_ed25519.pub"))) + "\n");
        Files.writeString(dir.resolve("sshd_config"), String.join("\n", List.of("Port " + port,
                "ListenAddress " + HOST, "HostKey " + dir.resolve("host_ed25519"),
                "AuthorizedKeysFile " + dir.resolve("authorized_keys"), "PasswordAuthentication no",
                "KbdInteractiveAuthentication no", "UsePAM no", "PermitRootLogin prohibit-password", "StrictModes no",
                "PidFile " + dir.resolve("sshd.pid"), "LogLevel ERROR")) + "\n");
        Files.createDirectories(Path.of("/run/sshd")); // sshd's privilege separation directory
    }

    static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": "
                + new String(p.getInputStream().readAllBytes()));
    }

    static void startSshd() throws IOException {
        sshd = new ProcessBuilder("/usr/sbin/sshd", "-D", "-e", "-f", dir.resolve("sshd_config").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sshd.log")
                        .toFile())).start();
        Awaitility.await("sshd to listen").atMost(Duration.ofSeconds(10)).until(() -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(HOST, port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    static void stopSshd() throws InterruptedException {
        if (sshd != null) {
            sshd.destroy();
            sshd.waitFor(10, TimeUnit.SECONDS);
            sshd = null;
        }
    }

    @BeforeEach
    void up() throws IOException {
        startSshd();
    }

    @AfterEach
    void down() throws InterruptedException {
        stopSshd();
    }

    @AfterAll
    static void nothingLeft() throws InterruptedException {
        stopSshd();
    }

    SshTransport transport(Path known, Duration connectWithin) {
        return new SshTransport(HOST, port, System.getProperty("user.name"), clientKey, known, connectWithin);
    }

    @Test
    void execReturnsOutputErrorsAndTheExitCode() {
        try (SshTransport t = transport(knownHosts, Duration.ofSeconds(10))) {
            ExecResult r = t.exec("echo out; echo err >&2; exit 3", Duration.ofSeconds(10));
            assertEquals(3, r.exitCode());
            assertEquals("out\n", r.stdout());
            assertEquals("err\n", r.stderr());
            assertEquals("same session\n", t.exec("echo same session", Duration.ofSeconds(10)).stdout());
        }
    }

    @Test
    void uploadWritesTheFileWithItsMode() throws IOException {
        Path local = dir.resolve("payload");
        Files.writeString(local, "line one\nline two\n");
        Path remote = dir.resolve("remote/dir/payload");
        try (SshTransport t = transport(knownHosts, Duration.ofSeconds(10))) {
            t.upload(local, remote.toString(), 0640);
        }
        assertEquals("line one\nline two\n", Files.readString(remote));
        assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(remote)));
    }

    @Test
    void reconnectsAfterSshdRestarts() throws Exception {
        try (SshTransport t = transport(knownHosts, Duration.ofSeconds(10))) {
            assertEquals("1\n", t.exec("echo 1", Duration.ofSeconds(10)).stdout());
            stopSshd();
            startSshd();
            assertEquals("2\n", t.exec("echo 2", Duration.ofSeconds(10)).stdout());
        }
    }

    @Test
    void retriesWhileSshdIsStillStarting() throws Exception {
        stopSshd();
        CompletableFuture<Void> later = CompletableFuture.runAsync(() -> {
            try {
                Awaitility.await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> true);
                startSshd();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        try (SshTransport t = transport(knownHosts, Duration.ofSeconds(15))) {
            assertEquals("up\n", t.exec("echo up", Duration.ofSeconds(10)).stdout());
        }
        later.join();
    }

    @Test
    void aHostKeyMismatchIsRefusedAtOnceWithAClearMessage() throws Exception {
        Path other = dir.resolve("other_known_hosts");
        run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", dir.resolve("impostor").toString());
        Files.writeString(other, SshKeys.knownHostsLine(HOST, port, Files.readString(dir.resolve("impostor.pub")))
                + "\n");
        long t0 = System.nanoTime();
        TransportException e = assertThrows(TransportException.class, () -> {
            try (SshTransport t = transport(other, Duration.ofSeconds(30))) {
                t.exec("echo never", Duration.ofSeconds(5));
            }
        });
        assertTrue(e.getMessage().contains("its host key does not match the lab's known_hosts"), e.getMessage());
        assertTrue((System.nanoTime() - t0) / 1_000_000_000 < 10, "refused at once, not retried until the bound");
    }

    @Test
    void anUnknownHostIsRefusedToo() throws Exception {
        Path empty = dir.resolve("empty_known_hosts");
        Files.writeString(empty, "");
        TransportException e = assertThrows(TransportException.class, () -> {
            try (SshTransport t = transport(empty, Duration.ofSeconds(30))) {
                t.exec("echo never", Duration.ofSeconds(5));
            }
        });
        assertTrue(e.getMessage().contains("its host key is not in the lab's known_hosts"), e.getMessage());
    }

    @Test
    void aCommandThatRunsTooLongTimesOut() {
        try (SshTransport t = transport(knownHosts, Duration.ofSeconds(10))) {
            TransportException e = assertThrows(TransportException.class,
                    () -> t.exec("sleep 5", Duration.ofMillis(500)));
            assertTrue(e.getMessage().contains("did not finish within 500 ms"), e.getMessage());
        }
    }

    @Test
    void theLabsKeysAreEd25519AndPrivate() throws IOException {
        assertTrue(Files.readString(Path.of(clientKey + ".pub")).startsWith("ssh-ed25519 "));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(clientKey)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(clientKey.getParent())));
    }
}
