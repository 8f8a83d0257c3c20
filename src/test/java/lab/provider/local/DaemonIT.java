package lab.provider.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import lab.daemon.Daemon;
import lab.daemon.DaemonClient;
import lab.net.LinkRules;
import lab.provider.Lab;
import org.junit.jupiter.api.Test;

/** The lab daemon's control API, on a real local lab. */
class DaemonIT extends LocalLabTest {

    static int status(String method, String url, String token, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
        c.setRequestMethod(method);
        c.setConnectTimeout(1000);
        c.setReadTimeout(3000);
        if (token != null) {
            c.setRequestProperty(DaemonClient.TOKEN_HEADER, token);
        }
        if (body != null) {
            c.setDoOutput(true);
            try (OutputStream o = c.getOutputStream()) {
                o.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        return c.getResponseCode();
    }

    /**
     * Only loopback, only with the lab's token: before, it listened on the lab network's .1 (where every netns node
     * and VM reaches it) and anyone could PUT /rules or /stop.
     */
    @Test
    void theControlApiIsOnLoopbackAndRefusesRequestsWithoutTheToken() throws Exception {
        Lab lab = labs.up("ctl", 3);
        int port = lab.state().daemonPort();
        String base = "http://127.0.0.1:" + port;
        var tokenFile = lab.dir().root().resolve(Daemon.TOKEN_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile)));
        String token = Files.readString(tokenFile).trim();
        assertEquals(403, status("GET", base + "/rules", null, null));
        assertEquals(403, status("GET", base + "/rules", "not-the-token", null));
        assertEquals(403, status("PUT", base + "/rules", null, "cut core-01 core-02\n"));
        assertEquals(403, status("POST", base + "/stop", null, null));
        assertEquals(LinkRules.NONE, lab.rules(), "the refused PUT changed nothing");
        assertEquals(200, status("GET", base + "/rules", token, null));
        // nothing listens for it on the lab's own addresses
        assertThrows(IOException.class, () -> {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127." + lab.state().block() + ".0.1", port), 500);
            }
        });
    }

    /** Requests are served side by side: one that is slow to arrive holds up no other (before: one at a time). */
    @Test
    void aSlowRequestHoldsUpNoOther() throws Exception {
        Lab lab = labs.up("slowreq", 3);
        String token = Files.readString(lab.dir().root().resolve(Daemon.TOKEN_FILE)).trim();
        try (Socket slow = new Socket("127.0.0.1", lab.state().daemonPort())) {
            // a PUT /rules whose body never finishes: its handler waits for the rest
            slow.getOutputStream().write(("PUT /rules HTTP/1.1\r\nHost: x\r\n" + DaemonClient.TOKEN_HEADER + ": "
                    + token + "\r\nContent-Length: 100\r\n\r\ncut").getBytes(StandardCharsets.ISO_8859_1));
            slow.getOutputStream().flush();
            Thread.sleep(300);
            long t0 = System.nanoTime();
            assertTrue(lab.daemon().ping(), "the daemon answers another request meanwhile");
            assertTrue(Duration.ofNanos(System.nanoTime() - t0).toMillis() < 2000);
        }
    }
}
