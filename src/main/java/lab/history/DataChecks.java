package lab.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The cheap checks on a register history with unique written values, linear in its size (per key), run on every
 * scenario with a workload: no acknowledged write lost, no read that went back in time or saw the future.
 */
public final class DataChecks {
    private static final int SHOWN = 10;

    private DataChecks() {
    }

    /**
     * Every acknowledged write is the final value of its key, or some other write could have come after it (one that
     * had not completed when it was invoked); and the final value was written by someone.
     */
    public static CheckResult noLostWrites(List<Op> ops, Map<String, Optional<String>> finalValues) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Op>> writers = writersByKey(ops);
        int checked = 0;
        for (Map.Entry<String, Optional<String>> e : finalValues.entrySet()) {
            String key = e.getKey();
            String fin = e.getValue().orElse(null);
            List<Op> ws = writers.getOrDefault(key, List.of());
            if (fin != null && ws.stream().noneMatch(w -> fin.equals(written(w)))) {
                problems.add(key + ": the final read saw \"" + fin + "\", which no client wrote");
            }
            if (fin == null) {
                // nothing deletes: once a write was acknowledged, the key can never be empty again
                ws.stream().filter(DataChecks::acknowledged).findFirst().ifPresent(w -> problems.add(key + ": the "
                        + "final read saw no value, but " + describe(w) + " was acknowledged"));
            }
            // the two latest completions: for any write, the latest completion among the others
            Op first = null;
            Op second = null;
            for (Op w : ws) {
                if (first == null || w.ret() > first.ret()) {
                    second = first;
                    first = w;
                } else if (second == null || w.ret() > second.ret()) {
                    second = w;
                }
            }
            for (Op w : ws) {
                if (!acknowledged(w)) {
                    continue;
                }
                checked++;
                String v = written(w);
                if (v.equals(fin)) {
                    continue;
                }
                Op latestOther = w == first ? second : first;
                if (latestOther == null || latestOther.ret() < w.call()) {
                    problems.add(key + ": " + describe(w) + " was acknowledged and nothing could have overwritten it, "
                            + "but the final read saw " + (fin == null ? "no value" : "\"" + fin + "\""));
                }
            }
        }
        return result(problems, checked, finalValues.size());
    }

    /**
     * No read returns a value that was already overwritten before the read began (a write that completed after the
     * read's value was written and before the read was invoked), a value before its write was invoked, a value
     * nobody wrote, or nothing after a write was acknowledged.
     */
    public static CheckResult noStaleReads(List<Op> ops) {
        return noStaleReads(ops, p -> "");
    }

    /**
     * As {@link #noStaleReads(List)}, naming the member each stale read came through.
     *
     * @param via the member a process's client is pinned to ("" when it is spread over every member)
     */
    public static CheckResult noStaleReads(List<Op> ops, java.util.function.IntFunction<String> via) {
        List<String> problems = new ArrayList<>();
        Map<String, List<Op>> writers = writersByKey(ops);
        Map<String, Op> byValue = new HashMap<>();
        writers.values().forEach(ws -> ws.forEach(w -> byValue.put(w.key() + "\u0000" + written(w), w)));
        int reads = 0;
        for (Op r : ops) {
            RegisterModel.In in = (RegisterModel.In) r.input();
            if (!in.f().equals("read") || r.output() == null) {
                continue;
            }
            reads++;
            Object seen = ((RegisterModel.Value) r.output()).value();
            List<Op> ws = writers.getOrDefault(r.key(), List.of());
            if (seen == null) {
                ws.stream().filter(w -> acknowledged(w) && w.ret() < r.call()).findFirst().ifPresent(w ->
                        problems.add(r.key() + ": read at " + ms(r.call()) + " saw no value, but " + describe(w)
                                + " had completed at " + ms(w.ret())));
                continue;
            }
            Op source = byValue.get(r.key() + "\u0000" + seen);
            if (source == null) {
                problems.add(r.key() + ": read at " + ms(r.call()) + " saw \"" + seen + "\", which no client wrote");
            } else if (source.call() > r.ret()) {
                problems.add(r.key() + ": read ending at " + ms(r.ret()) + " saw \"" + seen + "\", written by an "
                        + "operation invoked later, at " + ms(source.call()));
            } else {
                ws.stream().filter(w -> w != source && acknowledged(w) && w.call() > source.ret()
                        && w.ret() < r.call()).findFirst().ifPresent(w -> problems.add(r.key() + ": stale read at "
                        + ms(r.call()) + through(via, r) + ": saw \"" + seen + "\" although " + describe(w)
                        + " replaced it (invoked "
                        + ms(w.call()) + ", after that value's write completed at " + ms(source.ret())
                        + "; completed " + ms(w.ret()) + ")"));
            }
        }
        return result(problems, reads, writers.size());
    }

    private static String through(java.util.function.IntFunction<String> via, Op r) {
        String m = via.apply(r.process());
        return m.isEmpty() ? " (process " + r.process() + ")" : " through " + m + " (process " + r.process() + ")";
    }

    private static CheckResult result(List<String> problems, int operations, int keys) {
        List<String> shown = new ArrayList<>(problems.subList(0, Math.min(SHOWN, problems.size())));
        if (problems.size() > SHOWN) {
            shown.add("... and " + (problems.size() - SHOWN) + " more");
        }
        return new CheckResult(problems.isEmpty() ? Verdict.PASS : Verdict.FAIL, operations, keys, shown);
    }

    /** Writes, and cas operations that may have written (succeeded or unknown), by key. */
    private static Map<String, List<Op>> writersByKey(List<Op> ops) {
        Map<String, List<Op>> out = new HashMap<>();
        for (Op op : ops) {
            RegisterModel.In in = (RegisterModel.In) op.input();
            boolean writes = in.f().equals("write") || (in.f().equals("cas") && !Boolean.FALSE.equals(op.output()));
            if (writes) {
                out.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
            }
        }
        return out;
    }

    private static boolean acknowledged(Op w) {
        RegisterModel.In in = (RegisterModel.In) w.input();
        return !w.pending() && (in.f().equals("write") || Boolean.TRUE.equals(w.output()));
    }

    private static String written(Op w) {
        RegisterModel.In in = (RegisterModel.In) w.input();
        return String.valueOf(in.f().equals("write") ? in.a() : in.b());
    }

    private static String describe(Op w) {
        RegisterModel.In in = (RegisterModel.In) w.input();
        return in.f().equals("write") ? "write(\"" + in.a() + "\")" : "cas(" + (in.a() == null ? "absent" : "\""
                + in.a() + "\"") + ", \"" + in.b() + "\")";
    }

    private static String ms(long nanos) {
        return nanos == Long.MAX_VALUE ? "never" : String.format("%.3f s", nanos / 1e9);
    }
}
