package lab.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A long-lived jetcd client for the workload's registers: linearizable reads, writes and compare-and-set. Each call
 * says what happened: a result, a definite failure, or nothing known (timeout, lost connection), because a write
 * whose answer never came may still have been applied.
 */
public final class RegisterClient implements AutoCloseable {
    static {
        // jetcd's gRPC and Netty log through java.util.logging at INFO ("Epoll available ..."): not for the user's
        // terminal; warnings and errors still show. Set here, where jetcd is first used, not in Main: setting up
        // java.util.logging took 50 ms of every command's start-up.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
    }

    private final Client client;
    private final KV kv;
    private final Duration timeout;
    private final io.etcd.jetcd.options.GetOption readOption;

    /**
     * What one operation came to. {@code known} false: it may or may not have taken effect.
     *
     * @param revision the store's revision in the answer's header: for a write or an applied cas, the revision
     *     that write made (the mod revision a watcher sees); 0 when there was no answer
     */
    public record Outcome(boolean known, boolean ok, Optional<String> value, boolean succeeded, long revision) {
        static Outcome unknown() {
            return new Outcome(false, false, Optional.empty(), false, 0);
        }

        static Outcome failed() {
            return new Outcome(true, false, Optional.empty(), false, 0);
        }
    }

    public RegisterClient(List<String> endpoints, Duration timeout) {
        this(endpoints, timeout, false);
    }

    /**
     * @param serializable reads served from the answering member's own state, without asking the leader (etcd's
     *     {@code --consistency=s}): fast and available in a minority, and possibly stale
     */
    public RegisterClient(List<String> endpoints, Duration timeout, boolean serializable) {
        // No retries inside jetcd: a retried write would be two attempts under one recorded operation.
        this.client = Tls.jetcd(endpoints).retryMaxAttempts(0)
                .connectTimeout(Duration.ofSeconds(1)).build();
        this.kv = client.getKVClient();
        this.timeout = timeout;
        this.readOption = io.etcd.jetcd.options.GetOption.builder().withSerializable(serializable).build();
    }

    /**
     * A read (linearizable unless this client was made serializable): the register's value, or empty when absent.
     * A failed read changed nothing.
     */
    public Outcome read(String key) {
        try {
            GetResponse r = kv.get(bytes(key), readOption).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Optional<String> v = r.getKvs().isEmpty() ? Optional.empty()
                    : Optional.of(r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8));
            return new Outcome(true, true, v, true, r.getHeader().getRevision());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.failed();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Outcome.failed();
        }
    }

    public Outcome write(String key, String value) {
        try {
            long rev = kv.put(bytes(key), bytes(value), PutOption.DEFAULT).get(timeout.toMillis(),
                    TimeUnit.MILLISECONDS).getHeader().getRevision();
            return new Outcome(true, true, Optional.empty(), true, rev);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.unknown();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Outcome.unknown();
        }
    }

    /** Sets {@code to} if the register holds {@code from} (null: absent); {@code succeeded} says whether it did. */
    public Outcome cas(String key, String from, String to) {
        Cmp cmp = from == null ? new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.version(0))
                : new Cmp(bytes(key), Cmp.Op.EQUAL, CmpTarget.value(bytes(from)));
        try {
            io.etcd.jetcd.kv.TxnResponse r = kv.txn().If(cmp).Then(io.etcd.jetcd.op.Op.put(bytes(key), bytes(to),
                    PutOption.DEFAULT)).commit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Outcome(true, true, Optional.empty(), r.isSucceeded(), r.getHeader().getRevision());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Outcome.unknown();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return Outcome.unknown();
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
