package lab.history;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import lab.etcd.EtcdHttp;

/**
 * A workload's watchers ({@code watch: {keys: prefix, clients: N}}): watcher i watches the workload's keys through
 * member i (modulo the members) from the revision before the first write, and records every event it delivers.
 *
 * <p>A watcher resumes through the next member that has a leader, from its last delivered revision + 1, as etcd's
 * clients do (clientv3's watcher resumes with {@code rev = lastRev + 1}) when
 * <ul>
 * <li>its stream fails ({@code require-leader} is set, so a member that loses its leader cancels the stream); or</li>
 * <li>a write the workload was told was applied is {@link #STALL} old and not delivered: a paused member keeps its
 * connection open and says nothing, and jetcd itself retries a killed single-endpoint member without telling.</li>
 * </ul>
 * Events from a stream it left are dropped, as a client that closed it would never see them.
 */
public final class Watchers implements AutoCloseable {
    /** How long an acknowledged write may stay undelivered before a watcher gives up on its member. */
    public static final Duration STALL = Duration.ofSeconds(2);
    private static final ByteSequence PREFIX = ByteSequence.from(Workload.PREFIX, StandardCharsets.UTF_8);
    private final List<String> names;
    private final List<String> urls;
    private final Workload workload;
    private final long start;
    private final Map<Integer, Client> clients = new ConcurrentHashMap<>();
    private final List<One> watchers = new ArrayList<>();
    private final List<WatchHistory.Resume> resumes = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;
    private Thread supervisor;

    /**
     * @param names the members' names, in order
     * @param urls their client URLs, in the same order
     * @param start the store's revision before the workload's first write
     */
    public Watchers(List<String> names, List<String> urls, Workload workload, int count, long start) {
        this.names = List.copyOf(names);
        this.urls = List.copyOf(urls);
        this.workload = workload;
        this.start = start;
        for (int i = 0; i < count; i++) {
            watchers.add(new One(i));
        }
    }

    /** Opens every watcher's stream and starts the supervisor that moves a stalled watcher. */
    public void start() {
        for (One w : watchers) {
            synchronized (w) {
                w.open(w.index % names.size());
            }
        }
        supervisor = new Thread(this::supervise, "watch-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /** @return how many watchers run */
    public int count() {
        return watchers.size();
    }

    /** @return the revision the watchers started after */
    public long startRevision() {
        return start;
    }

    /** @return the member watcher {@code i} started through */
    public String firstMember(int i) {
        return names.get(i % names.size());
    }

    private void supervise() {
        while (!stop) {
            LockSupport.parkNanos(200_000_000L);
            long now = workload.now();
            for (One w : watchers) {
                String failed = w.failed;
                if (failed != null) {
                    w.resume(failed);
                    continue;
                }
                WatchHistory.Write due = workload.firstAcknowledgedAfter(w.last);
                if (due != null && now - due.at() > STALL.toNanos() && w.openedAt < now - STALL.toNanos()) {
                    w.resume(String.format("revision %d (acknowledged at %.3f s) not delivered after %d s",
                            due.revision(), due.at() / 1e9, STALL.toSeconds()));
                }
            }
        }
    }

    /**
     * Waits until every watcher delivered the last acknowledged write (moving stalled ones meanwhile), at most
     * {@code timeout}. @return whether they all did
     */
    public boolean awaitCaughtUp(Duration timeout) {
        long give = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < give) {
            long target = workload.lastAcknowledgedRevision();
            if (watchers.stream().allMatch(w -> w.last >= target)) {
                return true;
            }
            LockSupport.parkNanos(50_000_000L);
        }
        return false;
    }

    /** @return what the watchers saw, with the workload's writes, for {@link WatchCheck} */
    public WatchHistory history(boolean caughtUp) {
        List<List<WatchHistory.Event>> seen = new ArrayList<>();
        for (One w : watchers) {
            synchronized (w) {
                seen.add(List.copyOf(w.events));
            }
        }
        synchronized (resumes) {
            return new WatchHistory(start, seen, List.copyOf(resumes), workload.acknowledged(),
                    workload.unacknowledged(), caughtUp);
        }
    }

    @Override
    public void close() {
        stop = true;
        for (One w : watchers) {
            synchronized (w) {
                w.closeStream();
            }
        }
        clients.values().forEach(Client::close);
    }

    private Client client(int member) {
        return clients.computeIfAbsent(member, m -> lab.etcd.Tls.jetcd(List.of(urls.get(m))).retryMaxAttempts(0)
                .connectTimeout(Duration.ofSeconds(1)).build());
    }

    /** Whether a member answers its status within 300 ms and names a leader. */
    private boolean hasLeader(int member) {
        try {
            return EtcdHttp.status(urls.get(member), Duration.ofMillis(300)).leaderId() != 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private final class One {
        final int index;
        final List<WatchHistory.Event> events = new ArrayList<>();
        volatile long last = start;
        volatile long openedAt;
        /** Why the current stream failed (set by jetcd's thread; the supervisor resumes), or null. */
        volatile String failed;
        int member;
        int generation;
        Watch.Watcher stream;

        One(int index) {
            this.index = index;
        }

        /** Called holding this watcher's lock. */
        void open(int m) {
            member = m;
            failed = null;
            int gen = ++generation;
            openedAt = workload.now();
            WatchOption option = WatchOption.builder().isPrefix(true).withRevision(last + 1).withRequireLeader(true)
                    .build();
            try {
                stream = client(m).getWatchClient().watch(PREFIX, option, Watch.listener(r -> deliver(gen, r),
                        e -> failed(gen, e)));
            } catch (RuntimeException e) {
                stream = null; // the supervisor moves it on when the next write is not delivered
            }
        }

        void closeStream() {
            generation++;
            if (stream != null) {
                try {
                    stream.close();
                } catch (RuntimeException e) {
                    // closing a stream to a dead member: nothing to undo
                }
                stream = null;
            }
        }

        synchronized void deliver(int gen, WatchResponse r) {
            if (gen != generation || stop) {
                return;
            }
            long now = workload.now();
            for (WatchEvent e : r.getEvents()) {
                long rev = e.getKeyValue().getModRevision();
                String value = e.getEventType() == WatchEvent.EventType.PUT
                        ? e.getKeyValue().getValue().toString(StandardCharsets.UTF_8) : "<deleted>";
                events.add(new WatchHistory.Event(rev, e.getKeyValue().getKey().toString(StandardCharsets.UTF_8),
                        value, names.get(member), now));
                last = Math.max(last, rev);
            }
        }

        void failed(int gen, Throwable e) {
            synchronized (this) {
                if (gen != generation || stop) {
                    return;
                }
            }
            failed = "the stream failed: " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        }

        void resume(String why) {
            // the next member that names a leader, asked outside the lock (up to 300 ms a member)
            int from = member;
            int to = (from + 1) % names.size();
            for (int k = 1; k < names.size(); k++) {
                int m = (from + k) % names.size();
                if (hasLeader(m)) {
                    to = m;
                    break;
                }
            }
            synchronized (this) {
                if (stop || member != from) {
                    return;
                }
                closeStream();
                resumes.add(new WatchHistory.Resume(index, workload.now(), names.get(from), names.get(to), last,
                        why));
                open(to);
            }
        }
    }
}
