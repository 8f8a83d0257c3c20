package lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import lab.etcd.EtcdHttp;
import lab.etcd.MemberStatus;
import lab.history.HistoryTimeline;

/**
 * The leader over a workload's run, for history.html: every 250 ms each member is asked its status (200 ms each);
 * the leader is the member a majority of the members name (the rule of {@code lab status}), or none. Members are
 * named by the id each one reports for itself, so a member replaced under the same name keeps its name.
 */
final class LeaderTrack implements AutoCloseable {
    private static final long PERIOD = 250_000_000L;
    private final List<String> names;
    private final List<String> urls;
    private final LongSupplier now;
    private final Map<Long, String> byId = new HashMap<>();
    private final List<HistoryTimeline.Leader> segments = new ArrayList<>();
    private volatile boolean stop;
    private final Thread thread;

    LeaderTrack(List<String> names, List<String> urls, LongSupplier now) {
        this.names = List.copyOf(names);
        this.urls = List.copyOf(urls);
        this.now = now;
        this.thread = new Thread(this::loop, "leader-track");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        while (!stop) {
            long at = now.getAsLong();
            Map<Long, Integer> votes = new HashMap<>();
            for (int i = 0; i < urls.size(); i++) {
                try {
                    MemberStatus s = EtcdHttp.status(urls.get(i), Duration.ofMillis(200));
                    byId.put(s.memberId(), names.get(i));
                    if (s.leaderId() != 0) {
                        votes.merge(s.leaderId(), 1, Integer::sum);
                    }
                } catch (RuntimeException e) {
                    // down, paused or cut off: no vote
                }
            }
            String leader = votes.entrySet().stream().filter(e -> e.getValue() > urls.size() / 2).findFirst()
                    .map(e -> byId.getOrDefault(e.getKey(), Long.toHexString(e.getKey()))).orElse("");
            long to = now.getAsLong();
            synchronized (segments) {
                int last = segments.size() - 1;
                if (last >= 0 && segments.get(last).name().equals(leader)) {
                    segments.set(last, new HistoryTimeline.Leader(leader, segments.get(last).from(), to));
                } else {
                    segments.add(new HistoryTimeline.Leader(leader, last >= 0 ? segments.get(last).to() : at, to));
                }
            }
            LockSupport.parkNanos(Math.max(0, PERIOD - (now.getAsLong() - at)));
        }
    }

    /** @return the leader's segments so far: who (or "" for none) from when to when */
    List<HistoryTimeline.Leader> segments() {
        synchronized (segments) {
            return List.copyOf(segments);
        }
    }

    @Override
    public void close() {
        stop = true;
        thread.interrupt();
    }
}
