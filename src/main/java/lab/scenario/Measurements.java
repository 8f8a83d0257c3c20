package lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import lab.etcd.EtcdHttp;
import lab.provider.ClusterStatus;
import lab.provider.Elections;
import lab.provider.Lab;
import lab.provider.StatusProbe;
import org.awaitility.Awaitility;

/**
 * What every run measures: the unavailability windows seen by a light write probe (20 writes a second through
 * any member that answers), the time to a new leader after each fault that took the leader away, and the time to
 * full health after each heal.
 */
final class Measurements implements AutoCloseable {
    static final Duration PROBE_EVERY = Duration.ofMillis(50);
    private static final Duration PROBE_TIMEOUT = Duration.ofMillis(250);
    private final Lab lab;
    private final long t0;
    private final Consumer<String> timeline;
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "probe"));
    private final ExecutorService watchers = Executors.newCachedThreadPool(r -> daemon(r, "watch"));
    final List<double[]> outages = new ArrayList<>();
    final List<Double> newLeader = new ArrayList<>();
    final List<Double> recovery = new ArrayList<>();
    private int writes;
    private int failures;
    private long downSince = -1;
    private int next;

    Measurements(Lab lab, long t0, Consumer<String> timeline) {
        this.lab = lab;
        this.t0 = t0;
        this.timeline = timeline;
        probe.scheduleAtFixedRate(this::write, 0, PROBE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void write() {
        List<String> eps = lab.clientEndpoints();
        boolean ok = false;
        for (int i = 0; i < eps.size() && !ok; i++) {
            String ep = eps.get((next + i) % eps.size());
            try {
                EtcdHttp.put(ep, "/lab/probe", Long.toString(System.nanoTime()), PROBE_TIMEOUT);
                ok = true;
                next = (next + i) % Math.max(1, eps.size());
            } catch (RuntimeException e) {
                // try the next member
            }
        }
        synchronized (this) {
            writes++;
            long now = System.nanoTime();
            if (!ok) {
                failures++;
                if (downSince < 0) {
                    downSince = now;
                }
            } else if (downSince >= 0) {
                outages.add(new double[] {secs(downSince), secs(now) - secs(downSince)});
                timeline.accept(String.format("writes back after %.2f s unavailable", (now - downSince) / 1e9));
                downSince = -1;
            }
        }
    }

    /** After a fault that took the leader away: records when the others agree on a new one. */
    void watchNewLeader(String old, long since) {
        watchers.submit(() -> {
            try {
                Elections.Leader l = Elections.awaitNewLeader(lab, old, since, Duration.ofSeconds(30));
                synchronized (this) {
                    newLeader.add(l.after().toNanos() / 1e9);
                }
                timeline.accept(String.format("new leader %s, term %d, %.2f s after the fault", l.node(), l.term(),
                        l.after().toNanos() / 1e9));
            } catch (RuntimeException e) {
                timeline.accept("no new leader after " + old + " within 30 s");
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
                timeline.accept(String.format("recovered: %d/%d healthy %.2f s after the heal", s.healthyVoters(),
                        s.voters(), took));
            } catch (RuntimeException e) {
                timeline.accept("not every member healthy within 60 s of the heal");
            }
        });
    }

    synchronized String summary() {
        double down = outages.stream().mapToDouble(o -> o[1]).sum();
        return String.format("%d probe writes, %d failed; %d unavailability window(s), %.2f s in all", writes,
                failures, outages.size() + (downSince >= 0 ? 1 : 0), down);
    }

    synchronized int writes() {
        return writes;
    }

    synchronized int failures() {
        return failures;
    }

    private double secs(long nanos) {
        return (nanos - t0) / 1e9;
    }

    @Override
    public void close() {
        probe.shutdownNow();
        watchers.shutdownNow();
        try {
            probe.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (downSince >= 0) {
                outages.add(new double[] {secs(downSince), secs(System.nanoTime()) - secs(downSince)});
                downSince = -1;
            }
        }
    }
}
