package lab.history;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Linearizability checking by the Wing & Gong search with Lowe's memoization, the algorithm Porcupine uses:
 * walk the history in real-time order, tentatively linearize a call whose result the model allows, back up when a
 * return is reached whose call could not be placed, and never revisit a (set of linearized operations, state)
 * pair. Operations with unknown results stay open until the end of the history, so they may take effect at any
 * later point or (placed after everything) not at all.
 */
public final class Linearizability {
    private Linearizability() {
    }

    /** Checks each key on its own (linearizability is compositional); FAIL if any key fails. */
    public static <S> CheckResult checkPerKey(List<Op> ops, Model<S> model, Duration budget) {
        Map<String, List<Op>> byKey = new LinkedHashMap<>();
        for (Op op : ops) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        boolean unknown = false;
        for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
            CheckResult r = check(e.getValue(), model, deadline);
            if (r.verdict() == Verdict.FAIL) {
                List<String> why = new ArrayList<>();
                why.add("key " + e.getKey() + ":");
                why.addAll(r.explanation());
                return new CheckResult(Verdict.FAIL, ops.size(), byKey.size(), why);
            }
            unknown |= r.verdict() == Verdict.UNKNOWN;
        }
        return new CheckResult(unknown ? Verdict.UNKNOWN : Verdict.PASS, ops.size(), byKey.size(),
                unknown ? List.of("the budget of " + budget.toMillis() + " ms ran out") : List.of());
    }

    public static <S> CheckResult check(List<Op> ops, Model<S> model, Duration budget) {
        return check(ops, model, System.nanoTime() + budget.toNanos());
    }

    /**
     * A visited configuration. The hash of the linearized set is Zobrist's: a random 64-bit value per operation,
     * XORed in and out as the search links and unlinks it, so it costs O(1) per step and spreads well, where
     * BitSet's own hash (an XOR of its words) sent most configurations into a few buckets.
     */
    private static final class Memo {
        // Histories of up to 128 operations per key (most) keep their set inline, without an array per memo.
        private final long w0;
        private final long w1;
        private final long[] words;
        private final Object state;
        private final int hash;

        Memo(long[] linearized, long zobrist, Object state) {
            if (linearized.length <= 2) {
                this.w0 = linearized[0];
                this.w1 = linearized.length > 1 ? linearized[1] : 0;
                this.words = null;
            } else {
                this.w0 = 0;
                this.w1 = 0;
                this.words = linearized.clone();
            }
            this.state = state;
            long h = zobrist * 0x9E3779B97F4A7C15L + Objects.hashCode(state);
            this.hash = (int) (h ^ (h >>> 32));
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Memo m && m.hash == hash && m.w0 == w0 && m.w1 == w1
                    && java.util.Arrays.equals(m.words, words) && Objects.equals(m.state, state);
        }
    }

    /**
     * The visited configurations as 64-bit fingerprints (the Zobrist hash of the linearized set mixed with the
     * state's hash) in an open-addressing table of longs: an eighth of the memory of a set of objects, and the
     * search is bound by memory. Two configurations may share a fingerprint, which could only prune a path, never
     * invent one: a PASS stands, and a FAIL is confirmed by the exact search.
     */
    private static final class Fingerprints {
        private long[] table = new long[1 << 14];
        private int size;

        /** Adds; false when it was there. */
        boolean add(long fp) {
            if (fp == 0) {
                fp = 1;
            }
            if (size * 2 >= table.length) {
                grow();
            }
            int mask = table.length - 1;
            int i = (int) (fp ^ (fp >>> 29)) & mask;
            while (true) {
                long t = table[i];
                if (t == 0) {
                    table[i] = fp;
                    size++;
                    return true;
                }
                if (t == fp) {
                    return false;
                }
                i = (i + 1) & mask;
            }
        }

        private void grow() {
            long[] old = table;
            table = new long[old.length * 2];
            int mask = table.length - 1;
            for (long fp : old) {
                if (fp != 0) {
                    int i = (int) (fp ^ (fp >>> 29)) & mask;
                    while (table[i] != 0) {
                        i = (i + 1) & mask;
                    }
                    table[i] = fp;
                }
            }
        }
    }

    private static <S> CheckResult check(List<Op> ops, Model<S> model, long deadline) {
        CheckResult fast = search(ops, model, deadline, false);
        return fast.verdict() == Verdict.FAIL ? search(ops, model, deadline, true) : fast;
    }

    private static <S> CheckResult search(List<Op> ops, Model<S> model, long deadline, boolean exact) {
        int n = ops.size();
        if (n == 0) {
            return new CheckResult(Verdict.PASS, 0, 1, List.of());
        }
        // Entries 0..2n-1: calls and returns in real-time order; index 2n is the list head.
        long[][] events = new long[2 * n][];
        for (int i = 0; i < n; i++) {
            Op op = ops.get(i);
            events[2 * i] = new long[] {op.call(), 0, i};
            events[2 * i + 1] = new long[] {op.ret(), 1, i};
        }
        java.util.Arrays.sort(events, (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0])
                : x[1] != y[1] ? Long.compare(x[1], y[1]) : Long.compare(x[2], y[2]));
        int head = 2 * n;
        int[] next = new int[2 * n + 1];
        int[] prev = new int[2 * n + 1];
        int[] callAt = new int[n];
        int[] retAt = new int[n];
        boolean[] isCall = new boolean[2 * n];
        int[] opAt = new int[2 * n];
        int last = head;
        for (int i = 0; i < 2 * n; i++) {
            int op = (int) events[i][2];
            isCall[i] = events[i][1] == 0;
            opAt[i] = op;
            if (isCall[i]) {
                callAt[op] = i;
            } else {
                retAt[op] = i;
            }
            next[last] = i;
            prev[i] = last;
            last = i;
        }
        next[last] = -1;
        long[] linearized = new long[(n + 63) / 64];
        long[] zobrist = new java.util.SplittableRandom(n).longs(n).toArray();
        long z = 0;
        Set<Memo> seen = exact ? new HashSet<>(1 << 12) : null;
        Fingerprints prints = exact ? null : new Fingerprints();
        int[] stackOp = new int[n];
        Object[] stackState = new Object[n];
        int depth = 0;
        int bestDepth = 0;
        int[] best = new int[0];
        int blocker = -1; // the operation whose return forced the deepest backtrack: the real culprit
        S state = model.init();
        int entry = next[head];
        long steps = 0;
        while (next[head] != -1) {
            if ((++steps & 1023) == 0 && System.nanoTime() > deadline) {
                return new CheckResult(Verdict.UNKNOWN, n, 1, List.of());
            }
            if (isCall[entry]) {
                int op = opAt[entry];
                S after = model.step(state, ops.get(op));
                if (after != null) {
                    linearized[op >>> 6] ^= 1L << op;
                    z ^= zobrist[op];
                    boolean fresh = exact ? seen.add(new Memo(linearized, z, after))
                            : prints.add(z ^ (Objects.hashCode(after) * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L));
                    if (fresh) {
                        stackOp[depth] = op;
                        stackState[depth++] = state;
                        if (depth > bestDepth) {
                            bestDepth = depth;
                            best = java.util.Arrays.copyOf(stackOp, depth);
                        }
                        state = after;
                        lift(callAt[op], retAt[op], next, prev);
                        entry = next[head];
                        continue;
                    }
                    linearized[op >>> 6] ^= 1L << op;
                    z ^= zobrist[op];
                }
                entry = next[entry];
            } else {
                if (depth == bestDepth && (blocker == -1 || depth > 0)) {
                    blocker = opAt[entry];
                }
                if (depth == 0) {
                    return new CheckResult(Verdict.FAIL, n, 1, explain(ops, model, best, blocker));
                }
                int op = stackOp[--depth];
                @SuppressWarnings("unchecked")
                S saved = (S) stackState[depth];
                state = saved;
                linearized[op >>> 6] ^= 1L << op;
                z ^= zobrist[op];
                unlift(callAt[op], retAt[op], next, prev);
                entry = next[callAt[op]];
            }
        }
        return new CheckResult(Verdict.PASS, n, 1, List.of());
    }

    private static void lift(int call, int ret, int[] next, int[] prev) {
        next[prev[call]] = next[call];
        if (next[call] != -1) {
            prev[next[call]] = prev[call];
        }
        next[prev[ret]] = next[ret];
        if (next[ret] != -1) {
            prev[next[ret]] = prev[ret];
        }
    }

    private static void unlift(int call, int ret, int[] next, int[] prev) {
        if (next[ret] != -1) {
            prev[next[ret]] = ret;
        }
        next[prev[ret]] = ret;
        if (next[call] != -1) {
            prev[next[call]] = call;
        }
        next[prev[call]] = call;
    }

    private static <S> List<String> explain(List<Op> ops, Model<S> model, int[] best, int stuck) {
        List<String> out = new ArrayList<>();
        out.add("no order of the operations explains every result; the longest order found ("
                + best.length + " of " + ops.size() + " operations):");
        S state = model.init();
        for (int op : best) {
            state = model.step(state, ops.get(op));
            out.add("  " + describe(model, ops.get(op)) + "  => " + state);
        }
        out.add("then nothing can be placed before " + describe(model, ops.get(stuck)) + " returned");
        return out;
    }

    private static <S> String describe(Model<S> model, Op op) {
        return "[p" + op.process() + " " + (op.call() == Long.MAX_VALUE ? "" : "t" + op.call()) + "-"
                + (op.pending() ? "open" : "t" + op.ret()) + "] " + model.describe(op);
    }
}
