package lab.transport;

import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Commands over SSH (JSch): one session per node, reused, re-opened when it dropped; connection set-up retried up
 * to a bound (sshd starting, a VM booting). Host keys are checked against the lab's own known_hosts and a
 * mismatch is refused at once with a clear message, never accepted silently.
 */
public final class SshTransport implements Transport {
    private final String host;
    private final int port;
    private final String user;
    private final Path privateKey;
    private final Path knownHosts;
    private final Duration connectWithin;
    private Session session;

    /**
     * Sockets with Nagle's algorithm off: every exec is a few small packets each way, and with Nagle on, delayed
     * acknowledgements held each one back by up to 40 ms (measured: about 170 ms per exec, 30 ms without).
     */
    private static final com.jcraft.jsch.SocketFactory NO_DELAY = new com.jcraft.jsch.SocketFactory() {
        @Override
        public java.net.Socket createSocket(String h, int p) throws IOException {
            java.net.Socket socket = new java.net.Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new java.net.InetSocketAddress(h, p), 5000);
            return socket;
        }

        @Override
        public InputStream getInputStream(java.net.Socket socket) throws IOException {
            return socket.getInputStream();
        }

        @Override
        public OutputStream getOutputStream(java.net.Socket socket) throws IOException {
            return socket.getOutputStream();
        }
    };

    public SshTransport(String host, int port, String user, Path privateKey, Path knownHosts, Duration connectWithin) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.privateKey = privateKey;
        this.knownHosts = knownHosts;
        this.connectWithin = connectWithin;
    }

    private String where() {
        return user + "@" + host + ":" + port;
    }

    /** The open session, connecting (with retries) when there is none or it dropped. */
    private synchronized Session session() {
        if (session != null && session.isConnected()) {
            return session;
        }
        AtomicReference<Session> opened = new AtomicReference<>();
        AtomicReference<Exception> last = new AtomicReference<>();
        try {
            Awaitility.await("ssh " + where()).atMost(connectWithin).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200)).until(() -> {
                        try {
                            opened.set(open());
                            return true;
                        } catch (JSchException e) {
                            last.set(e);
                            if (hostKeyProblem(e)) {
                                throw new TransportException(hostKeyMessage(e), e);
                            }
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            throw new TransportException("cannot connect to " + where() + " within " + connectWithin.toSeconds()
                    + " s: " + (last.get() == null ? "no answer" : last.get().getMessage()), last.get());
        }
        // A host-key refusal thrown inside the condition reaches the caller as it is: no retry, no wrapping.
        session = opened.get();
        return session;
    }

    private Session open() throws JSchException {
        JSch jsch = new JSch();
        jsch.addIdentity(privateKey.toString());
        jsch.setKnownHosts(knownHosts.toString());
        Session s = jsch.getSession(user, host, port);
        s.setSocketFactory(NO_DELAY);
        s.setConfig("StrictHostKeyChecking", "yes");
        s.setConfig("PreferredAuthentications", "publickey");
        s.setConfig("server_host_key", "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256");
        s.setServerAliveInterval(2000);
        s.setServerAliveCountMax(3);
        s.setDaemonThread(true); // a CLI command that forgets close() must still be able to exit
        s.connect(5000);
        return s;
    }

    private static boolean hostKeyProblem(JSchException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("HostKey has been changed") || m.contains("reject HostKey");
    }

    private String hostKeyMessage(JSchException e) {
        boolean changed = String.valueOf(e.getMessage()).contains("has been changed");
        return "refusing " + where() + ": its host key " + (changed ? "does not match" : "is not in")
                + " the lab's known_hosts (" + knownHosts + "). Another machine answers at that address, or the node "
                + "was re-created outside lab; `lab down` and `lab up` renew the keys";
    }

    @Override
    public ExecResult exec(String command, Duration timeout) {
        return run(command, null, timeout);
    }

    @Override
    public void upload(Path local, String remotePath, int mode) {
        String dir = remotePath.contains("/") ? remotePath.substring(0, remotePath.lastIndexOf('/')) : ".";
        String cmd = "mkdir -p " + Shell.quote(dir) + " && cat > " + Shell.quote(remotePath) + " && chmod "
                + Integer.toOctalString(mode) + " " + Shell.quote(remotePath);
        ExecResult r = run(cmd, local, Duration.ofSeconds(60));
        if (!r.ok()) {
            throw new TransportException("cannot upload " + local + " to " + where() + ":" + remotePath + ": "
                    + r.stderr().trim());
        }
    }

    /** Runs once; when the session turns out to be dead (the node's sshd restarted), reconnects and runs again. */
    private ExecResult run(String command, Path stdin, Duration timeout) {
        try {
            return runOnce(command, stdin, timeout);
        } catch (JSchException e) {
            dropSession();
            try {
                return runOnce(command, stdin, timeout);
            } catch (JSchException again) {
                throw new TransportException("cannot run `" + command + "` on " + where() + ": " + again.getMessage(),
                        again);
            }
        }
    }

    private ExecResult runOnce(String command, Path stdin, Duration timeout) throws JSchException {
        long t0 = System.nanoTime();
        ChannelExec ch = (ChannelExec) session().openChannel("exec");
        ch.setCommand(command);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ch.setErrStream(err, true);
        try {
            InputStream out = ch.getInputStream();
            OutputStream in = ch.getOutputStream();
            ch.connect(5000);
            if (stdin != null) {
                Files.copy(stdin, in);
            }
            in.close();
            ByteArrayOutputStream stdout = new ByteArrayOutputStream();
            try {
                // Output is drained while waiting for the exit, so a silent command still times out on time.
                Awaitility.await("`" + command + "` on " + where()).atMost(timeout).pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(10)).until(() -> {
                            drain(out, stdout);
                            return ch.isClosed();
                        });
            } catch (ConditionTimeoutException e) {
                throw new TransportException("`" + command + "` on " + where() + " did not finish within "
                        + timeout.toMillis() + " ms");
            }
            drain(out, stdout);
            return new ExecResult(ch.getExitStatus(), stdout.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - t0));
        } catch (IOException e) {
            throw new JSchException("the connection to " + where() + " broke: " + e.getMessage(), e);
        } finally {
            ch.disconnect();
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream to) throws IOException {
        byte[] buf = new byte[8192];
        while (in.available() > 0) {
            int n = in.read(buf, 0, Math.min(buf.length, in.available()));
            if (n < 0) {
                return;
            }
            to.write(buf, 0, n);
        }
    }

    private synchronized void dropSession() {
        if (session != null) {
            session.disconnect();
            session = null;
        }
    }

    @Override
    public void close() {
        dropSession();
    }

    /** Permission bits as rwx text (0644 becomes rw-r--r--). */
    static String rwx(int mode) {
        StringBuilder b = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            b.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return b.toString();
    }
}
