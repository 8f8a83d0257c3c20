package lab.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import lab.etcd.RegisterClient;

/**
 * Clients that read, write and compare-and-set registers while a scenario breaks the cluster, recording every
 * operation with its invocation and completion time (System.nanoTime) and its result. A write or cas whose answer
 * never came is recorded as unknown and stays open to the end of the history; its client goes on as a new process,
 * as in Jepsen, since the old one may still be "in" that operation. A failed read changed nothing and is only counted.
 * Written values are unique ({@code client-seq}), so every read names the write it saw.
 */
public final class Workload implements AutoCloseable {
    public static final String PREFIX = "/lab/workload/";
    private final WorkloadSpec spec;
    /** The client each workload client uses, by client index; the final reads' client (linearizable, every member). */
    private final List<RegisterClient> perClient;
    private final List<String> via;
    private final RegisterClient finals;
    private final List<Op> ops = java.util.Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger ids = new AtomicInteger();
    private final AtomicInteger failedReads = new AtomicInteger();
    private final Map<String, String> lastWritten = new ConcurrentHashMap<>();
    /** Acknowledged writes and applied cas by the revision their answer named; values whose answer never came. */
    private final java.util.concurrent.ConcurrentSkipListMap<Long, WatchHistory.Write> acks =
            new java.util.concurrent.ConcurrentSkipListMap<>();
    private final java.util.Set<String> unacked = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final long t0 = System.nanoTime();
    private CountDownLatch done;

    /**
     * @param perClient the jetcd client of each workload client (pinned to one member, or shared)
     * @param via the member each workload client is pinned to ("" when spread over every member)
     * @param finals a linearizable client over every member for the final reads
     */
    public Workload(WorkloadSpec spec, List<RegisterClient> perClient, List<String> via, RegisterClient finals) {
        this.spec = spec;
        this.perClient = List.copyOf(perClient);
        this.via = List.copyOf(via);
        this.finals = finals;
    }

    /** @return the System.nanoTime the history's times count from */
    public long origin() {
        return t0;
    }

    /** @return how many clients run */
    public int clients() {
        return perClient.size();
    }

    /** @return the member a process's client is pinned to, or "" when it is spread over every member */
    public String via(int process) {
        return via.get(process % via.size());
    }

    public static String key(int i) {
        return PREFIX + String.format("k%02d", i);
    }

    /**
     * Starts the clients once a first read answered (a cold jetcd client spends most of a second setting up gRPC,
     * which would otherwise look like an outage at the start of every history); {@code seed} makes the choice of
     * operations repeat.
     */
    public void start(long seed) {
        long give = System.nanoTime() + 10_000_000_000L;
        for (RegisterClient client : new java.util.LinkedHashSet<>(perClient)) {
            while (!client.read(key(0)).ok() && System.nanoTime() < give) {
                LockSupport.parkNanos(50_000_000L);
            }
        }
        int n = perClient.size();
        done = new CountDownLatch(n);
        long intervalNanos = (long) (1e9 * n / spec.rate());
        for (int c = 0; c < n; c++) {
            int client0 = c;
            Random random = new Random(seed * 31 + c);
            Thread t = new Thread(() -> {
                try {
                    loop(client0, random, intervalNanos);
                } finally {
                    done.countDown();
                }
            }, "workload-client-" + c);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop(int c, Random random, long intervalNanos) {
        RegisterClient client = perClient.get(c);
        int process = c;
        int seq = 0;
        long next = System.nanoTime();
        while (!stop.get()) {
            String key = key(random.nextInt(spec.keys()));
            int pick = random.nextInt(spec.total());
            boolean known;
            if (pick < spec.read()) {
                known = read(client, process, key);
            } else if (pick < spec.read() + spec.write()) {
                known = write(client, process, key, c + "-" + (++seq));
            } else {
                String from = random.nextInt(4) == 0 ? null : lastWritten.get(key);
                known = cas(client, process, key, from, c + "-" + (++seq));
            }
            if (!known) {
                process += perClient.size(); // a new process of the same client (and member)
            }
            next += intervalNanos;
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else {
                next = System.nanoTime(); // behind (a slow cluster): do not burst to catch up
            }
        }
    }

    private boolean read(RegisterClient client, int process, String key) {
        long call = now();
        RegisterClient.Outcome o = client.read(key);
        long ret = now();
        if (!o.ok()) {
            failedReads.incrementAndGet();
            return true;
        }
        ops.add(new Op(ids.getAndIncrement(), process, key, call, ret, new RegisterModel.In("read", null, null),
                new RegisterModel.Value(o.value().orElse(null))));
        return true;
    }

    private boolean write(RegisterClient client, int process, String key, String value) {
        long call = now();
        RegisterClient.Outcome o = client.write(key, value);
        long ret = o.known() ? now() : Long.MAX_VALUE;
        ops.add(new Op(ids.getAndIncrement(), process, key, call, ret, new RegisterModel.In("write", value, null),
                null));
        if (o.known()) {
            lastWritten.put(key, value);
            acks.put(o.revision(), new WatchHistory.Write(key, value, o.revision(), ret));
        } else {
            unacked.add(value);
        }
        return o.known();
    }

    private boolean cas(RegisterClient client, int process, String key, String from, String to) {
        long call = now();
        RegisterClient.Outcome o = client.cas(key, from, to);
        long ret = o.known() ? now() : Long.MAX_VALUE;
        ops.add(new Op(ids.getAndIncrement(), process, key, call, ret, new RegisterModel.In("cas", from, to),
                o.known() ? (Object) o.succeeded() : null));
        if (o.known() && o.succeeded()) {
            lastWritten.put(key, to);
            acks.put(o.revision(), new WatchHistory.Write(key, to, o.revision(), ret));
        } else if (!o.known()) {
            unacked.add(to);
        }
        return o.known();
    }

    /** @return nanoseconds since the workload started: the history's time */
    public long now() {
        return System.nanoTime() - t0;
    }

    /** @return the acknowledged write with the lowest revision above {@code revision}, or null */
    public WatchHistory.Write firstAcknowledgedAfter(long revision) {
        Map.Entry<Long, WatchHistory.Write> e = acks.higherEntry(revision);
        return e == null ? null : e.getValue();
    }

    /** @return the highest revision an acknowledged write made so far (0 before the first) */
    public long lastAcknowledgedRevision() {
        return acks.isEmpty() ? 0 : acks.lastKey();
    }

    /** @return every acknowledged write and applied cas, by revision */
    public List<WatchHistory.Write> acknowledged() {
        return List.copyOf(acks.values());
    }

    /** @return the values of writes and cas whose answer never came */
    public java.util.Set<String> unacknowledged() {
        return java.util.Set.copyOf(unacked);
    }

    /** Stops the clients and waits for their last operations (each bounded by the client's timeout). */
    public List<Op> stop() {
        stop.set(true);
        try {
            if (done != null) {
                done.await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (ops) {
            return List.copyOf(ops);
        }
    }

    /** One linearizable read of every key the workload used, through a member that answers: the final state. */
    public Map<String, Optional<String>> finalReads() {
        Map<String, Optional<String>> out = new HashMap<>();
        for (int i = 0; i < spec.keys(); i++) {
            RegisterClient.Outcome o = finals.read(key(i));
            if (!o.ok()) {
                throw new lab.spec.EnvironmentException("the final read of " + key(i) + " failed: the cluster "
                        + "did not answer a linearizable read after the scenario");
            }
            out.put(key(i), o.value());
        }
        return out;
    }

    public int failedReads() {
        return failedReads.get();
    }

    @Override
    public void close() {
        stop.set(true);
        java.util.Set<RegisterClient> all = new java.util.LinkedHashSet<>(perClient);
        all.add(finals);
        all.forEach(RegisterClient::close);
    }
}
