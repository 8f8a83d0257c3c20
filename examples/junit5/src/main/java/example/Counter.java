package example;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The application under test: a counter in one etcd key, incremented by compare-and-set on the value it read, so
 * two clients never both count the same increment. Every etcd call has a deadline.
 */
public final class Counter {
    private final KV kv;
    private final ByteSequence key;
    private final long timeoutMs;

    public Counter(Client client, String key, long timeoutMs) {
        this.kv = client.getKVClient();
        this.key = bytes(key);
        this.timeoutMs = timeoutMs;
    }

    /** The value now (a linearizable read); empty when the key was never set. */
    public Optional<Long> read() throws Exception {
        GetResponse r = kv.get(key).get(timeoutMs, TimeUnit.MILLISECONDS);
        return r.getKvs().isEmpty() ? Optional.empty()
                : Optional.of(Long.parseLong(r.getKvs().get(0).getValue().toString(StandardCharsets.UTF_8)));
    }

    /**
     * Sets the counter from {@code expected} (empty: not set yet) to {@code next} if it still has that value.
     *
     * @return whether it did
     */
    public boolean compareAndSet(Optional<Long> expected, long next) throws Exception {
        Cmp cmp = expected.isPresent()
                ? new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(bytes(Long.toString(expected.get()))))
                : new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
        TxnResponse r = kv.txn().If(cmp).Then(Op.put(key, bytes(Long.toString(next)), PutOption.DEFAULT)).commit()
                .get(timeoutMs, TimeUnit.MILLISECONDS);
        return r.isSucceeded();
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
