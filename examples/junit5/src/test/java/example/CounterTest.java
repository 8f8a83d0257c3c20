package example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import lab.api.EtcdLab;
import lab.api.History;
import lab.junit.LabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The counter under faults on a real 3-member etcd cluster: three clients increment it while the test kills the
 * leader, partitions it into the minority, or delays it by 300 ms. Every read and compare-and-set is recorded and
 * the history must be linearizable with no stale reads; the counter must count exactly the increments that took
 * effect. Between tests the extension undoes the faults.
 */
class CounterTest {
    @RegisterExtension
    static LabExtension lab = LabExtension.builder().nodes(3).build();

    @Test
    void survivesTheLeadersDeath(EtcdLab cluster) throws Exception {
        History history = History.named("leader-killed");
        try (Load load = new Load(cluster, history, "/counter/killed")) {
            load.await(20);
            cluster.kill(EtcdLab.leader());
            cluster.awaitLeader(Duration.ofSeconds(15));
            load.await(load.succeeded() + 20);
        }
        history.check();
    }

    @Test
    void survivesAPartitionOfTheLeaderIntoTheMinority(EtcdLab cluster) throws Exception {
        History history = History.named("leader-partitioned");
        try (Load load = new Load(cluster, history, "/counter/partitioned")) {
            load.await(20);
            String old = cluster.status().leader().orElseThrow();
            cluster.partition(List.of(EtcdLab.leader()), List.of("rest"));
            cluster.awaitNewLeader(old, Duration.ofSeconds(15)); // the majority elects one of its own
            load.await(load.succeeded() + 20); // the majority side takes increments
            cluster.heal();
            cluster.awaitHealthy(Duration.ofSeconds(20));
            load.await(load.succeeded() + 10);
        }
        history.check();
    }

    @Test
    void survivesA300msDelayOnTheLeader(EtcdLab cluster) throws Exception {
        History history = History.named("leader-delayed");
        try (Load load = new Load(cluster, history, "/counter/delayed")) {
            load.await(10);
            cluster.delay(EtcdLab.leader(), Duration.ofMillis(300), Duration.ZERO);
            load.await(load.succeeded() + 10); // slower, but it goes on
        }
        history.check();
    }

    /** Three clients incrementing the counter, each read and compare-and-set recorded, until closed. */
    static final class Load implements AutoCloseable {
        private final Client client;
        private final AtomicBoolean stop = new AtomicBoolean();
        private final AtomicInteger succeeded = new AtomicInteger();
        private final AtomicInteger unknown = new AtomicInteger();
        private final List<Thread> threads = new ArrayList<>();
        private final Counter counter;
        private final History history;
        private final String key;

        Load(EtcdLab cluster, History history, String key) {
            this.client = Client.builder().endpoints(cluster.endpointList().split(",")).build();
            this.counter = new Counter(client, key, 5000);
            this.history = history;
            this.key = key;
            for (int i = 0; i < 3; i++) {
                Thread t = new Thread(this::loop, "client-" + i);
                t.start();
                threads.add(t);
            }
        }

        int succeeded() {
            return succeeded.get();
        }

        /** Waits (up to 60 s) until this many increments took effect. */
        void await(int increments) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (succeeded.get() < increments) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("only " + succeeded.get() + " increments of " + increments
                            + " within 60 s");
                }
                Thread.sleep(20);
            }
        }

        private void loop() {
            while (!stop.get()) {
                History.Call read = history.read(key);
                Optional<Long> value;
                try {
                    value = counter.read();
                    read.ok(value.map(String::valueOf).orElse(null));
                } catch (TimeoutException | ExecutionException e) {
                    read.unknown();
                    continue;
                } catch (Exception e) {
                    read.unknown();
                    return;
                }
                long next = value.orElse(0L) + 1;
                History.Call cas = history.cas(key, value.map(String::valueOf).orElse(null), Long.toString(next));
                try {
                    boolean done = counter.compareAndSet(value, next);
                    cas.ok(done);
                    if (done) {
                        succeeded.incrementAndGet();
                    }
                } catch (TimeoutException | ExecutionException e) {
                    cas.unknown(); // it may have been applied: the checks allow for both
                    unknown.incrementAndGet();
                } catch (Exception e) {
                    cas.unknown();
                    return;
                }
            }
        }

        @Override
        public void close() throws Exception {
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
            // the final value counts every increment that took effect: all acknowledged ones, some unknown ones
            Optional<Long> last = Optional.empty();
            for (int i = 0; i < 50 && last.isEmpty(); i++) {
                try {
                    last = counter.read();
                } catch (TimeoutException | ExecutionException e) {
                    Thread.sleep(200);
                }
            }
            long finalValue = last.orElseThrow();
            client.close();
            assertTrue(finalValue >= succeeded.get() && finalValue <= succeeded.get() + unknown.get(),
                    "the counter is " + finalValue + " after " + succeeded.get() + " acknowledged and "
                    + unknown.get() + " unknown increments");
        }
    }
}
