package lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lab.etcd.EtcdHttp;
import lab.provider.ClusterStatus;
import lab.provider.Elections;
import lab.provider.Lab;
import lab.provider.StatusProbe;
import org.awaitility.Awaitility;

/**
 * What every run measures: the unavailability windows a client sees, the time to a new leader after each fault that
 * took the leader away, and the time to full health after each heal.
 *
 * <p>The write probe is one client writing one key, one write at a time, about 20 a second, through one member at
 * a time with a fixed deadline per write ({@link #PROBE_TIMEOUT}): a write that fails or takes longer is
 * unavailability, as it is for an application with that timeout, and the next write goes to the next member, as a
 * client's balancer moves on. There is no retry inside one write: a write that needed two members and a second
 * is not counted as available. A window runs from the start of the first failed or late write to the completion of
 * the next write that succeeded.
 */
final class Measurements implements AutoCloseable {
    static final Duration PROBE_EVERY = Duration.ofMillis(50);
    /** The probe's deadline per write: what "late" means (README, the journal's probe-timeout-ms). */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);
    private final Lab lab;
    private final long t0;
    private final Consumer<String> timeline;
    private final Thread probe;
    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> daemon(r, "watch"));
    private final List<double[]> outages = new ArrayList<>();
    private final List<Double> newLeader = new ArrayList<>();
    private final List<Double> recovery = new ArrayList<>();
    private volatile boolean closed;
    /** Counts undos (heal, start, resume): a new-leader clock started before one stops at it. */
    private final java.util.concurrent.atomic.AtomicInteger undos = new java.util.concurrent.atomic.AtomicInteger();
    private int writes;
    private int failures;
    private long downSince = -1;
    private int next;

    Measurements(Lab lab, long t0, Consumer<String> timeline) {
        this.lab = lab;
        this.t0 = t0;
        this.timeline = timeline;
        this.probe = daemon(this::probeLoop, "probe");
        probe.start();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void say(String line) {
        if (!closed) {
            timeline.accept(line);
        }
    }

    private void probeLoop() {
        long due = System.nanoTime();
        while (!closed) {
            write();
            due += PROBE_EVERY.toNanos();
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            } else {
                due = System.nanoTime(); // a slow write: the next one starts now, not in a burst
            }
        }
    }

    private void write() {
        List<String> eps = lab.clientEndpoints();
        long start = System.nanoTime();
        boolean ok = false;
        if (!eps.isEmpty()) {
            String ep = eps.get(Math.floorMod(next, eps.size()));
            try {
                EtcdHttp.put(ep, "/lab/probe", Long.toString(start), PROBE_TIMEOUT);
                ok = System.nanoTime() - start <= PROBE_TIMEOUT.toNanos();
            } catch (RuntimeException e) {
                ok = false;
            }
            if (!ok) {
                next++; // the next write tries the next member
            }
        }
        long now = System.nanoTime();
        synchronized (this) {
            if (closed) {
                return;
            }
            writes++;
            if (!ok) {
                failures++;
                if (downSince < 0) {
                    downSince = start;
                }
            } else if (downSince >= 0) {
                outages.add(new double[] {secs(downSince), (now - downSince) / 1e9});
                say(String.format("writes back after %.2f s unavailable", (now - downSince) / 1e9));
                downSince = -1;
            }
        }
    }

    /** The fault was undone (healed, the node started or resumed): pending new-leader clocks stop there. */
    void faultUndone() {
        undos.incrementAndGet();
    }

    /**
     * After a fault that took the leader away: records when the others agree on a new one. Undone before any
     * election (a short isolate, a pause resumed at once), the leader kept its place: that is said, not timed.
     */
    void watchNewLeader(String old, long since) {
        int epoch = undos.get();
        watchers.submit(() -> {
            try {
                Elections.Leader l = Elections.awaitNewLeader(lab, old, since, Duration.ofSeconds(30),
                        () -> undos.get() != epoch);
                if (l == null) {
                    say("no election after the fault on " + old + ": it was undone first, " + old + " kept leading");
                    return;
                }
                synchronized (this) {
                    newLeader.add(l.after().toNanos() / 1e9);
                }
                say(String.format("new leader %s, term %d, %.2f s after the fault", l.node(), l.term(),
                        l.after().toNanos() / 1e9));
            } catch (RuntimeException e) {
                say("no new leader after " + old + " within 30 s");
            }
        });
    }

    /** After a heal: records when every member is healthy again. */
    void watchRecovery(long since) {
        watchers.submit(() -> {
            try {
                ClusterStatus s = Awaitility.await("every member healthy after the heal").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(50)).until(() -> StatusProbe.probe(lab, Duration.ofMillis(300)),
                                x -> x.voters() > 0 && x.healthyVoters() == x.voters());
                double took = (System.nanoTime() - since) / 1e9;
                synchronized (this) {
                    recovery.add(took);
                }
                say(String.format("recovered: %d/%d healthy %.2f s after the heal", s.healthyVoters(),
                        s.voters(), took));
            } catch (RuntimeException e) {
                say("not every member healthy within 60 s of the heal");
            }
        });
    }

    synchronized String summary() {
        double down = outages.stream().mapToDouble(o -> o[1]).sum();
        return String.format("%d probe writes (one client, %d ms deadline each), %d failed or late; %d unavailability "
                + "window(s), %.2f s in all", writes, PROBE_TIMEOUT.toMillis(), failures, outages.size(), down);
    }

    synchronized int writes() {
        return writes;
    }

    synchronized int failures() {
        return failures;
    }

    /** [start (s since the run began), length (s)] of each unavailability window. */
    synchronized List<double[]> outages() {
        return List.copyOf(outages);
    }

    synchronized List<Double> newLeader() {
        return List.copyOf(newLeader);
    }

    synchronized List<Double> recovery() {
        return List.copyOf(recovery);
    }

    private double secs(long nanos) {
        return (nanos - t0) / 1e9;
    }

    /**
     * Stops the probe and the watchers and waits for them (bounded): afterwards nothing more is measured or printed,
     * and a window still open is closed at this moment.
     */
    @Override
    public void close() {
        long now = System.nanoTime();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            if (downSince >= 0) {
                outages.add(new double[] {secs(downSince), (now - downSince) / 1e9});
                downSince = -1;
            }
        }
        watchers.shutdownNow();
        probe.interrupt();
        try {
            probe.join(PROBE_TIMEOUT.toMillis() + 1000);
            watchers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
