package lab.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import lab.history.CheckResult;
import lab.history.DataChecks;
import lab.history.HistoryJson;
import lab.history.HistoryTimeline;
import lab.history.Linearizability;
import lab.history.Op;
import lab.history.RegisterModel;
import lab.history.Verdict;

/**
 * A recorder for an application's own etcd operations, checked afterwards the way {@code lab run} checks its
 * workload: linearizability per key (a register per key: read, write, compare-and-set) and no stale reads.
 * Wrap each client call the test makes:
 *
 * <pre>{@code
 * History history = History.named("counter");
 * History.Call c = history.write("/counter", "7");
 * try {
 *     client.getKVClient().put(key, value).get(1, SECONDS);
 *     c.ok();
 * } catch (TimeoutException e) {
 *     c.unknown();           // it may still have happened
 * } catch (ExecutionException e) {
 *     c.fail();              // etcd said no: it did not happen
 * }
 * ...
 * history.check();           // throws AssertionError with the counterexample; history.json and .html on disk
 * }</pre>
 *
 * <p>Each call records the thread that made it as its client. Safe to use from several threads.
 */
public final class History {
    private static final Duration BUDGET = Duration.ofSeconds(60);
    private final String name;
    private final Path dir;
    private final long t0 = System.nanoTime();
    private final AtomicInteger ids = new AtomicInteger();
    private final List<Op> ops = new ArrayList<>();
    private final Map<Thread, Integer> clients = new LinkedHashMap<>();

    private History(String name, Path dir) {
        this.name = name;
        this.dir = dir;
    }

    /**
     * A recorder whose files go to {@code target/lab-histories/<name>/}.
     *
     * @param name a name for the history (lowercase letters, digits, '-', '_')
     * @return an empty history
     */
    public static History named(String name) {
        return in(name, Path.of("target", "lab-histories", name));
    }

    /**
     * @param name a name for the history
     * @param dir where check() writes history.json and history.html
     * @return an empty history
     */
    public static History in(String name, Path dir) {
        if (!name.matches("[a-z0-9][a-z0-9_-]{0,63}")) {
            throw new LabException("a history's name is lowercase letters, digits, '-' and '_': \"" + name + "\"");
        }
        return new History(name, dir);
    }

    /** @param key the key read @return the call, to be completed */
    public Call read(String key) {
        return new Call(key, new RegisterModel.In("read", null, null));
    }

    /** @param key the key written @param value the value written @return the call, to be completed */
    public Call write(String key, String value) {
        return new Call(key, new RegisterModel.In("write", value, null));
    }

    /**
     * @param key the key
     * @param expected the value it must have (null: the key must not exist)
     * @param value the value to set if it has
     * @return the call, to be completed
     */
    public Call cas(String key, String expected, String value) {
        return new Call(key, new RegisterModel.In("cas", expected, value));
    }

    /** One client call, from invocation to its outcome. Complete it exactly once. */
    public final class Call {
        private final String key;
        private final RegisterModel.In input;
        private final long call = System.nanoTime() - t0;
        private final int client;
        private boolean done;

        private Call(String key, RegisterModel.In input) {
            this.key = key;
            this.input = input;
            synchronized (ops) {
                this.client = clients.computeIfAbsent(Thread.currentThread(), t -> clients.size());
            }
        }

        /** A write or compare-and-set that took effect (a cas: that succeeded). */
        public void ok() {
            finish(System.nanoTime() - t0, input.f().equals("cas") ? (Object) Boolean.TRUE : null);
        }

        /**
         * A read that returned this value (null: the key did not exist), or a compare-and-set with this outcome
         * ("true"/"false").
         *
         * @param value what came back
         */
        public void ok(String value) {
            Object out = switch (input.f()) {
                case "read" -> new RegisterModel.Value(value);
                case "cas" -> Boolean.valueOf(value);
                default -> null;
            };
            finish(System.nanoTime() - t0, out);
        }

        /** A compare-and-set etcd answered: it succeeded or its comparison failed. @param succeeded which */
        public void ok(boolean succeeded) {
            finish(System.nanoTime() - t0, succeeded);
        }

        /** It certainly did not take effect (etcd refused it): it is left out of the history. */
        public void fail() {
            complete();
        }

        /**
         * Its outcome is unknown (a timeout, a lost connection): it may have taken effect at any time from its
         * invocation on, which the checks allow for.
         */
        public void unknown() {
            if (input.f().equals("read")) {
                complete(); // a read with no answer tells nothing
                return;
            }
            finish(Long.MAX_VALUE, null);
        }

        private void finish(long ret, Object output) {
            complete();
            synchronized (ops) {
                ops.add(new Op(ids.getAndIncrement(), client, key, call, ret, input, output));
            }
        }

        private void complete() {
            if (done) {
                throw new LabException("this call of " + key + " was already completed");
            }
            done = true;
        }
    }

    /** @return how many operations are recorded (calls that failed are not) */
    public int size() {
        synchronized (ops) {
            return ops.size();
        }
    }

    /**
     * Checks the history: linearizable per key and no stale reads. Writes {@code history.json} (lab's format, which
     * {@code lab check history} reads) and {@code history.html} (a timeline) either way.
     *
     * @return the verdict of each check, PASS only
     * @throws AssertionError naming the check that failed, its counterexample and the two files
     */
    public Map<String, String> check() {
        List<Op> copy;
        synchronized (ops) {
            copy = List.copyOf(ops);
        }
        Map<String, CheckResult> results = new LinkedHashMap<>();
        results.put("linearizable", Linearizability.checkPerKey(copy, new RegisterModel(), BUDGET));
        results.put("no-stale-reads", DataChecks.noStaleReads(copy));
        Path json = dir.resolve("history.json");
        Path html = dir.resolve("history.html");
        try {
            Files.createDirectories(dir);
            Files.writeString(json, HistoryJson.write(copy));
            Files.writeString(html, HistoryTimeline.html("history " + name, copy, results));
        } catch (IOException e) {
            throw new LabException("cannot write the history under " + dir + ": " + e.getMessage(), e);
        }
        Map<String, String> verdicts = new LinkedHashMap<>();
        StringBuilder failed = new StringBuilder();
        results.forEach((check, r) -> {
            verdicts.put(check, r.verdict().name());
            if (r.verdict() != Verdict.PASS) {
                failed.append(check).append(": ").append(r.verdict()).append(" (").append(r.operations())
                        .append(" operations)").append(r.explanation().isEmpty() ? "" : "\n  "
                        + String.join("\n  ", r.explanation())).append('\n');
            }
        });
        if (failed.length() > 0) {
            throw new AssertionError("history " + name + " of " + copy.size() + " operations failed its checks:\n"
                    + failed + "history: " + json.toAbsolutePath() + "\ntimeline: " + html.toAbsolutePath());
        }
        return verdicts;
    }
}
