package lab.net;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Listens on a member's advertised peer address and forwards to the member's real peer listener, applying the
 * lab's {@link LinkRules}.
 *
 * <p>On loopback every connection comes from the same source address and etcd dials its peers in both directions,
 * so the source address says nothing. etcd's rafthttp names the sender in {@code X-Server-From}; the proxy reads
 * the first request of each connection for it. Which way the data flows depends on the request: a
 * {@code GET /raft/stream/...} is opened by the receiver and the listener's member writes raft messages down the
 * response, everything else ({@code POST} pipeline and snapshot messages) carries data from the dialer. A cut
 * link {from, to} thus drops exactly the connections carrying messages from {@code from} to {@code to}.
 *
 * <p>A connection is registered before its rules are looked at, so a rule change ({@link #enforce()}) at any moment
 * of its set-up (while it is checked, or while its upstream is being dialed) closes it; a sender that names itself
 * but cannot be placed (an id no member lists) is refused while any link is cut, since it could be on the cut side.
 */
public final class PeerProxy implements Closeable {
    private static final int MAX_HEAD = 16 * 1024;
    private final String node;
    private final InetSocketAddress listen;
    private final InetSocketAddress target;
    private final Supplier<LinkRules> rules;
    private final Function<String, String> senderName;
    private final ServerSocket server;
    /**
     * A TLS lab's: the node's certificate, served to dialing peers and presented to the member; else null. Made
     * while the proxy already listens (a cold JVM spends ~80 ms on each), so peers that dial early are accepted and
     * wait for it instead of being refused and retrying later.
     */
    private final java.util.concurrent.CompletableFuture<javax.net.ssl.SSLContext> tls;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();

    /**
     * One proxied connection. The sender's id is kept raw and resolved to a node name when needed: peers connect
     * before any member serves its member list, so the name may only become known later.
     */
    private final class Link {
        private final String senderId;
        private final boolean stream;
        private final Socket a;
        private final Socket b;

        Link(String senderId, boolean stream, Socket a, Socket b) {
            this.senderId = senderId;
            this.stream = stream;
            this.a = a;
            this.b = b;
        }

        /** The member whose raft messages this connection carries, or null while unknown. */
        String dataFrom() {
            String sender = sender();
            return sender == null ? null : stream ? node : sender;
        }

        String dataTo() {
            String sender = sender();
            return sender == null ? null : stream ? sender : node;
        }

        private String sender() {
            return senderId == null ? null : senderName.apply(senderId);
        }

        void close() {
            closeQuietly(a);
            closeQuietly(b);
        }
    }

    /**
     * @param senderName maps a sender (its peer URL from X-Peerurls, or its hex member id from X-Server-From) to a
     *     node name, or null when unknown
     */
    public PeerProxy(String node, InetSocketAddress listen, InetSocketAddress target, Supplier<LinkRules> rules,
                     Function<String, String> senderName) throws IOException {
        this(node, listen, target, rules, senderName, null);
    }

    /**
     * @param tls for a TLS lab: the proxy terminates the peers' TLS with the node's certificate (requiring theirs,
     *     as etcd's --peer-client-cert-auth does), reads the sender from the decrypted request as on a plain lab, and
     *     dials the member over TLS presenting the node's certificate. It may: the certificates are the lab's own.
     *     Still being made when the proxy starts: it listens at once and handshakes once the context is there.
     */
    public PeerProxy(String node, InetSocketAddress listen, InetSocketAddress target, Supplier<LinkRules> rules,
                     Function<String, String> senderName,
                     java.util.concurrent.CompletableFuture<javax.net.ssl.SSLContext> tls) throws IOException {
        this.node = node;
        this.listen = listen;
        this.target = target;
        this.rules = rules;
        this.senderName = senderName;
        this.tls = tls;
        this.server = new ServerSocket(); // TLS, when the lab has it, is layered on each accepted connection
        server.setReuseAddress(true);
        server.bind(listen);
        Thread t = new Thread(this::acceptLoop, "proxy-" + node);
        t.setDaemon(true);
        t.start();
    }

    public InetSocketAddress listen() {
        return listen;
    }

    /** The port it listens on (the one the system chose when asked for port 0). */
    public int port() {
        return server.getLocalPort();
    }

    /** Closes every open connection the current rules forbid; called after each rule change. */
    public void enforce() {
        LinkRules r = rules.get();
        for (Link l : links) {
            if (forbidden(l, r)) {
                l.close();
                links.remove(l);
            }
        }
    }

    /** Whether the rules forbid the connection: its link is cut, or it names a sender nobody can place during a cut. */
    private static boolean forbidden(Link l, LinkRules r) {
        String from = l.dataFrom();
        if (from == null) {
            return l.senderId != null && !r.cut().isEmpty();
        }
        return r.blocked(from, l.dataTo());
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> handle(s), "proxy-" + node + "-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
            }
        }
    }

    private void handle(Socket accepted) {
        Socket in;
        try {
            accepted.setTcpNoDelay(true);
            in = tls == null ? accepted : secured(accepted);
        } catch (IOException e) {
            closeQuietly(accepted);
            return;
        }
        Socket out = null;
        try {
            in.setSoTimeout(10_000);
            byte[] head = readHead(in.getInputStream());
            if (head.length < 4) {
                closeQuietly(in);
                return;
            }
            in.setSoTimeout(0);
            String text = new String(head, StandardCharsets.ISO_8859_1);
            // X-Peerurls (the sender's advertised peer URL) names the sender without asking the cluster;
            // X-Server-From (its member id) is the fallback.
            String urls = header(text, "x-peerurls");
            String id = header(text, "x-server-from");
            String sender = urls != null ? urls.split(",")[0].trim() : id == null ? null : id.toLowerCase(Locale.ROOT);
            out = upstream();
            Link link = new Link(sender,
                    text.startsWith("GET /raft/stream/"), in, out);
            // Registered first: a rule change from here on finds it, whatever step it is at.
            links.add(link);
            if (System.getenv("LAB_DEBUG") != null) {
                System.err.println(node + " <- " + text.split("\r\n")[0] + " sender=" + sender + " from="
                        + link.dataFrom() + " to=" + link.dataTo());
            }
            if (forbidden(link, rules.get())) {
                link.close();
                links.remove(link);
                return;
            }
            if (sender == null && !backendServes()) {
                // A member lookup while this member is not serving yet: refused at once (see backendServes)
                link.close();
                links.remove(link);
                return;
            }
            if (sender == null) {
                // Probes and member lookups carry no sender. Go's keep-alive pool would later reuse their
                // connection for raft messages nobody could attribute, so the server must close it after one answer.
                head = closeAfterResponse(text).getBytes(StandardCharsets.ISO_8859_1);
            }
            out.setTcpNoDelay(true);
            try {
                out.connect(target, 2000);
            } catch (IOException refused) {
                serving = false; // the member was stopped: its next start binds before it serves again
                throw refused;
            }
            // and checked again once dialed: a change during the connect closed it, or finds it now
            if (forbidden(link, rules.get())) {
                link.close();
                links.remove(link);
                return;
            }
            out.getOutputStream().write(head);
            Socket upstream = out;
            Thread back = new Thread(() -> pump(upstream, in, link, true), "proxy-" + node + "-back");
            back.setDaemon(true);
            back.start();
            pump(in, out, link, false);
        } catch (IOException e) {
            closeQuietly(in);
            closeQuietly(out);
            links.removeIf(l -> l.a == in);
        }
    }

    /** Set once the member behind this proxy answered over it; cleared when it refuses (it was stopped). */
    private volatile boolean serving;
    /** When the member was last found not serving (nanoTime), or 0. */
    private volatile long notServingAt;

    /**
     * Whether the member behind answers HTTP now. etcd 3.4 binds its peer port before it serves it: first it asks
     * every peer in turn for the cluster's members (GET /members, etcdserver/cluster_util.go
     * getClusterFromRemotePeers, one second per peer), and a lookup that reaches a member in that same state hangs
     * until the second runs out. A 9-member lab took 9 s to come up instead of 1.5 s whenever the proxies listened
     * before the members served (8 peers x 1 s). So a lookup (it names no sender) that comes while the member has
     * not answered yet is refused at once if a 150 ms /version probe gets no answer, which etcd treats as that peer
     * not being there. Raft traffic is never held up by this; a found answer is remembered until a connect is
     * refused, a miss for 300 ms.
     */
    private boolean backendServes() {
        if (serving) {
            return true;
        }
        if (System.nanoTime() - notServingAt < 300_000_000L) {
            return false;
        }
        try (Socket probe = upstream()) {
            probe.connect(target, 150);
            probe.setSoTimeout(150);
            probe.getOutputStream().write(("GET /version HTTP/1.1\r\nHost: " + target.getHostString()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            if (probe.getInputStream().read() >= 0) {
                serving = true;
                return true;
            }
        } catch (IOException e) {
            // refused or no answer in time: not serving
        }
        notServingAt = System.nanoTime();
        return false;
    }

    /** An unconnected socket to the member: TLS with the node's certificate on a TLS lab. */
    private Socket upstream() throws IOException {
        return tls == null ? new Socket() : context().getSocketFactory().createSocket();
    }

    /** TLS on an accepted connection, server side, the peer's certificate required (--peer-client-cert-auth). */
    private Socket secured(Socket accepted) throws IOException {
        javax.net.ssl.SSLSocket s = (javax.net.ssl.SSLSocket) context().getSocketFactory().createSocket(accepted, null,
                true);
        s.setUseClientMode(false);
        s.setNeedClientAuth(true);
        return s;
    }

    private javax.net.ssl.SSLContext context() throws IOException {
        try {
            return tls.join();
        } catch (java.util.concurrent.CompletionException | java.util.concurrent.CancellationException e) {
            throw new IOException("the proxy's TLS context for " + node + " could not be made: " + e.getMessage(), e);
        }
    }

    /**
     * Copies one direction, holding each chunk back by the delay in force for either end when it was read. The delay
     * is latency, not a limit on throughput: chunks keep being read while earlier ones wait, and a deliverer thread
     * (made when the first delayed chunk arrives) writes each at its due time, in order, as a slow link would. Holding
     * the reader instead would deliver one chunk per delay, and raft's heartbeats every 100 ms behind a 300 ms delay
     * would queue without end.
     */
    private void pump(Socket from, Socket to, Link link, boolean fromMember) {
        byte[] buf = new byte[32 * 1024];
        Deliverer late = null;
        try (InputStream i = from.getInputStream(); OutputStream o = to.getOutputStream()) {
            int n;
            while ((n = i.read(buf)) >= 0) {
                if (fromMember && !serving) {
                    serving = true; // it answers: lookups need no probe
                }
                long delayNanos = delayNanos(link);
                if (delayNanos > 0 || (late != null && late.busy())) {
                    if (late == null) {
                        late = new Deliverer(o, link, Thread.currentThread().getName() + "-late");
                    }
                    // never before an earlier chunk (TCP keeps order), even once the delay is lifted
                    late.add(java.util.Arrays.copyOf(buf, n), System.nanoTime() + delayNanos);
                } else {
                    o.write(buf, 0, n);
                    o.flush();
                }
            }
            if (late != null) {
                late.drain(); // what was read before the end still arrives, then the end
            }
        } catch (IOException e) {
            // either side closed: the other pump and the link go too
        } finally {
            if (late != null) {
                late.stop();
            }
            link.close();
            links.remove(link);
        }
    }

    /** Writes delayed chunks at their due times, in the order they were read. */
    private static final class Deliverer {
        private record Chunk(byte[] data, long due) {
        }

        private static final Chunk END = new Chunk(new byte[0], 0);
        private final java.util.concurrent.LinkedBlockingQueue<Chunk> queue =
                new java.util.concurrent.LinkedBlockingQueue<>();
        private final java.util.concurrent.atomic.AtomicInteger pending =
                new java.util.concurrent.atomic.AtomicInteger();
        private final Thread thread;
        private long lastDue;

        Deliverer(OutputStream out, Link link, String name) {
            thread = new Thread(() -> deliver(out, link), name);
            thread.setDaemon(true);
            thread.start();
        }

        boolean busy() {
            return pending.get() > 0;
        }

        void add(byte[] data, long due) {
            lastDue = Math.max(lastDue, due);
            pending.incrementAndGet();
            queue.add(new Chunk(data, lastDue));
        }

        /** Waits until everything queued was written (or the link broke). */
        void drain() {
            queue.add(END);
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void stop() {
            thread.interrupt();
        }

        private void deliver(OutputStream out, Link link) {
            try {
                while (true) {
                    Chunk c = queue.take();
                    if (c == END) {
                        return;
                    }
                    long wait;
                    while ((wait = c.due() - System.nanoTime()) > 0) {
                        java.util.concurrent.locks.LockSupport.parkNanos(wait);
                        if (Thread.interrupted()) {
                            return;
                        }
                    }
                    out.write(c.data());
                    out.flush();
                    pending.decrementAndGet();
                }
            } catch (InterruptedException e) {
                // the link is going
            } catch (IOException e) {
                link.close(); // the far side is gone: so is the link
            }
        }
    }

    private long delayNanos(Link link) {
        LinkRules r = rules.get();
        if (r.delays().isEmpty()) {
            return 0;
        }
        long total = 0;
        for (String n : new String[] {link.dataFrom(), link.dataTo(), node}) {
            var d = n == null ? null : r.delays().get(n);
            if (d != null) {
                int jitter = d.get(1);
                total = Math.max(total, d.get(0) + (jitter == 0 ? 0 : ThreadLocalRandom.current().nextInt(-jitter,
                        jitter + 1)));
            }
        }
        return Math.max(0, total) * 1_000_000L;
    }

    private static byte[] readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (b.size() < MAX_HEAD) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("connection closed before the request head ended");
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) ? state + 1
                    : (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
            if (state == 4) {
                return b.toByteArray();
            }
        }
        return b.toByteArray();
    }

    /** The request head with "Connection: close" instead of whatever connection header it had. */
    static String closeAfterResponse(String head) {
        StringBuilder b = new StringBuilder();
        for (String line : head.substring(0, head.length() - 4).split("\r\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("connection:")) {
                b.append(line).append("\r\n");
            }
        }
        return b.append("Connection: close\r\n\r\n").toString();
    }

    private static String header(String head, String name) {
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                return line.substring(colon + 1).trim();
            }
        }
        return null;
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing is best effort
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing is best effort
        }
        links.forEach(Link::close);
        links.clear();
    }
}
