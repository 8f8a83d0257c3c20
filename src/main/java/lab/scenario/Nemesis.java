package lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.provider.ClusterStatus;
import lab.provider.NodeState;
import lab.spec.Durations;
import lab.spec.Pos;
import lab.spec.YamlMap;

/**
 * Seeded random faults, as Jepsen's nemesis and etcd's robustness tests inject them: every {@code interval} a fault
 * is drawn with its targets, held for {@code heal}, then undone, until {@code duration} has passed.
 *
 * <p>The draw depends on the seed alone (the kind, the members by name, the hold and the wait), never on the roles
 * of the moment, so a run with the same seed on the same lab shape draws the same faults. With {@code max-down:
 * minority} a fault takes out at most as many voters as the cluster can lose (1 of 3, 2 of 5), and the next fault
 * waits until every voter is healthy again (at most 30 s: a cluster that does not recover from an undone fault
 * fails the step); {@code any} lets faults take out a majority and does not wait.
 */
public final class Nemesis {
    /** Every fault a nemesis draws from. */
    public static final List<String> FAULTS = List.of("kill", "stop", "pause", "restart", "isolate", "partition", "block",
            "delay", "member-replace");
    private static final Pattern RANGE = Pattern.compile("\\s*([^-\\s]+)\\s*(?:-\\s*([^-\\s]+)\\s*)?");
    static final Duration RECOVERY = Duration.ofSeconds(30);

    /**
     * A nemesis block.
     *
     * @param anyDown {@code max-down: any}: faults may take out a majority
     */
    record Spec(List<String> faults, Duration intervalMin, Duration intervalMax, Duration duration,
                Duration holdMin, Duration holdMax, boolean anyDown) {
        Spec {
            faults = List.copyOf(faults);
        }

        /** As it would be written: {@code faults kill,partition, every 2s-6s for 60s, held 1s-3s, max-down minority}. */
        String text() {
            return "faults " + String.join(",", faults) + ", every " + range(intervalMin, intervalMax) + " for "
                    + compact(duration) + ", held " + range(holdMin, holdMax) + ", max-down "
                    + (anyDown ? "any" : "minority");
        }

        private static String range(Duration a, Duration b) {
            return a.equals(b) ? compact(a) : compact(a) + "-" + compact(b);
        }

        private static String compact(Duration d) {
            long ms = d.toMillis();
            return ms % 60_000 == 0 && ms > 60_000 ? ms / 60_000 + "m" : ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
        }
    }

    private Nemesis() {
    }

    /**
     * {@code {faults: [kill, partition], interval: 2s-6s, duration: 60s, heal: 1s-3s, max-down: minority}}, every
     * key optional (all faults, 2s-6s, 60s, 1s-3s, minority), checked with file:line:col.
     */
    static Spec read(YamlMap m, String file) {
        List<String> faults = new ArrayList<>();
        if (m.has("faults")) {
            faults.addAll(WorkloadBlock.names(m, "faults", file, FAULTS, "fault"));
            if (faults.isEmpty() && !m.problems().hasErrors()) {
                m.problems().error(m.valuePos("faults"), "faults: needs at least one of " + String.join(", ", FAULTS));
            }
        } else {
            faults.addAll(FAULTS);
        }
        Duration[] interval = range(m, "interval", Duration.ofSeconds(2), Duration.ofSeconds(6));
        Duration[] hold = range(m, "heal", Duration.ofSeconds(1), Duration.ofSeconds(3));
        Duration[] duration = range(m, "duration", Duration.ofSeconds(60), Duration.ofSeconds(60));
        if (m.has("duration") && !duration[0].equals(duration[1])) {
            m.problems().error(m.valuePos("duration"), "duration: takes one duration, like 60s or 10m");
        }
        boolean any = m.string("max-down").map(x -> {
            if (!x.equals("minority") && !x.equals("any")) {
                m.problems().error(m.valuePos("max-down"), "max-down: takes minority (faults keep a quorum, the "
                        + "default) or any (faults may take out a majority)");
            }
            return x.equals("any");
        }).orElse(false);
        m.finish();
        return new Spec(faults, interval[0], interval[1], duration[0], hold[0], hold[1], any);
    }

    private static Duration[] range(YamlMap m, String key, Duration dMin, Duration dMax) {
        Optional<String> v = m.string(key);
        if (v.isEmpty()) {
            return new Duration[] {dMin, dMax};
        }
        Optional<Duration[]> r = range(v.get()).filter(x -> !key.equals("duration") || !x[0].isZero());
        if (r.isEmpty()) {
            m.problems().error(m.valuePos(key), key + ": takes a duration or a range like 2s-6s (the first no "
                    + "larger than the second), got \"" + v.get() + "\"");
            return new Duration[] {dMin, dMax};
        }
        return r.get();
    }

    /**
     * A duration or a range of them, as {@code interval:} and {@code lab chaos --interval} take it.
     *
     * @param text "2s-6s" or "3s"
     * @return the two ends (equal for one duration), or empty when malformed or the first is the larger
     */
    public static Optional<Duration[]> range(String text) {
        Matcher x = RANGE.matcher(text);
        if (!x.matches()) {
            return Optional.empty();
        }
        Optional<Duration> a = Durations.parse(x.group(1));
        Optional<Duration> b = x.group(2) != null ? Durations.parse(x.group(2)) : a;
        if (a.isEmpty() || b.isEmpty() || a.get().isNegative() || b.get().compareTo(a.get()) < 0) {
            return Optional.empty();
        }
        return Optional.of(new Duration[] {a.get(), b.get()});
    }

    /** One drawn fault: the step that makes it, the step that undoes it (null: none), and how long it is held. */
    record Fault(String kind, List<String> nodes, Step make, Step undo, Duration hold, Duration before) {
    }

    /**
     * Draws the next fault. The members are taken by name in the lab's order, never by role, so the same seed on the
     * same lab shape draws the same faults whatever the elections did.
     */
    static Fault draw(Spec spec, Random random, List<String> voters, Pos pos) {
        Duration wait = between(random, spec.intervalMin(), spec.intervalMax());
        Duration hold = between(random, spec.holdMin(), spec.holdMax());
        String kind = spec.faults().get(random.nextInt(spec.faults().size()));
        int canLose = spec.anyDown() ? voters.size() : voters.size() - (voters.size() / 2 + 1);
        List<String> shuffled = new ArrayList<>(voters);
        Collections.shuffle(shuffled, random);
        int k = Math.max(1, 1 + random.nextInt(Math.max(1, canLose)));
        List<String> some = List.copyOf(shuffled.subList(0, Math.min(k, shuffled.size())));
        String one = shuffled.get(0);
        String other = shuffled.size() > 1 ? shuffled.get(1) : one;
        Step heal = step("heal", Map.of(), pos, "heal:");
        return switch (kind) {
            case "kill", "stop" -> new Fault(kind, some, step(kind, Map.of("target", "$nemesis"), pos, kind + ": "
                    + String.join(",", some)), step("start", Map.of("target", "$nemesis"), pos, "start: "
                    + String.join(",", some)), hold, wait);
            case "pause" -> new Fault(kind, some, step(kind, Map.of("target", "$nemesis"), pos, "pause: "
                    + String.join(",", some)), step("resume", Map.of("target", "$nemesis"), pos, "resume: "
                    + String.join(",", some)), hold, wait);
            case "restart" -> new Fault(kind, some, step(kind, Map.of("target", "$nemesis"), pos, "restart: "
                    + String.join(",", some)), null, Duration.ZERO, wait);
            case "isolate" -> new Fault(kind, List.of(one), step(kind, Map.of("target", one), pos, "isolate: " + one),
                    heal, hold, wait);
            case "partition" -> {
                // a minority cut off from the rest (with max-down any, up to all but one)
                int size = spec.anyDown() ? 1 + random.nextInt(Math.max(1, voters.size() - 1)) : some.size();
                List<String> group = List.copyOf(shuffled.subList(0, Math.min(size, shuffled.size() - 1)));
                yield new Fault(kind, group, step(kind, Map.of("groups", List.of(List.of("$nemesis"),
                        List.of("rest"))), pos, "partition: [[" + String.join(",", group) + "], rest]"), heal, hold,
                        wait);
            }
            case "block" -> new Fault(kind, List.of(one, other), step(kind, Map.of("from", one, "to", other), pos,
                    "block: {from: " + one + ", to: " + other + "}"), heal, hold, wait);
            case "delay" -> {
                Duration by = Duration.ofMillis(50 + 50L * random.nextInt(6)); // 50-300 ms
                yield new Fault(kind, List.of(one), step(kind, Map.of("target", one, "by", by, "jitter",
                        Duration.ZERO), pos, "delay: {target: " + one + ", by: " + by.toMillis() + "ms}"), heal,
                        hold, wait);
            }
            default -> new Fault(kind, List.of(one), step("replace-member", Map.of("target", one), pos,
                    "replace-member: " + one), null, Duration.ZERO, wait);
        };
    }

    private static Step step(String kind, Map<String, Object> args, Pos pos, String text) {
        return new Step(kind, args, null, Duration.ZERO, pos, "nemesis " + text);
    }

    private static Duration between(Random random, Duration a, Duration b) {
        long span = b.toMillis() - a.toMillis();
        return Duration.ofMillis(a.toMillis() + (span <= 0 ? 0 : (long) (random.nextDouble() * (span + 1))));
    }

    /**
     * Runs the schedule: each fault and its undo is a step of the run (a timeline line, a journal entry, a band in
     * history.html), added to {@code results}. Ends when the duration has passed, the run is cancelled, or a fault
     * or its undo failed (the cluster did not come back, a start crashed).
     *
     * @param runStep runs one generated step as the scenario runner runs steps
     * @param seed the run's seed: the same seed draws the same faults
     * @return the nemesis step's own result: how many faults of which kind, or why it stopped
     */
    static StepResult run(int index, Step nemesis, Run run, List<StepResult> results,
                          BiFunction<Integer, Step, StepResult> runStep, long seed) {
        Spec spec = (Spec) nemesis.args().get("spec");
        double at = run.seconds();
        Random random = new Random(seed);
        run.sayAt(at, "nemesis: " + spec.text() + " (seed " + seed + ")");
        long end = System.nanoTime() + spec.duration().toNanos();
        Map<String, Integer> counts = new LinkedHashMap<>();
        String failure = null;
        while (System.nanoTime() < end && failure == null && !run.cancelled.getAsBoolean()) {
            List<String> voters = run.lab.state().members().stream().filter(n -> !n.learner())
                    .map(NodeState::name).toList();
            Fault f = draw(spec, random, voters, nemesis.pos());
            if (!sleep(f.before(), end, run)) {
                break;
            }
            if (!spec.anyDown()) {
                Optional<String> notBack = awaitWhole(run);
                if (notBack.isPresent()) {
                    failure = notBack.get();
                    break;
                }
            }
            run.bound.put("nemesis", f.nodes());
            StepResult made = runStep.apply(index, f.make());
            results.add(made);
            counts.merge(f.kind(), 1, Integer::sum);
            if (made.status() == StepResult.Status.FAILED) {
                failure = made.step() + ": " + made.message();
                break;
            }
            if (f.undo() == null) {
                continue;
            }
            sleep(f.hold(), Long.MAX_VALUE, run);
            StepResult undone = runStep.apply(index, f.undo());
            results.add(undone);
            if (undone.status() == StepResult.Status.FAILED) {
                failure = undone.step() + ": " + undone.message();
            }
        }
        run.bound.remove("nemesis");
        String did = "nemesis: " + counts.values().stream().mapToInt(Integer::intValue).sum() + " fault(s) in "
                + String.format("%.1f s", run.seconds() - at) + (counts.isEmpty() ? "" : " (" + String.join(", ",
                counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).toList()) + ")");
        if (failure != null) {
            run.say("FAIL " + did + ": " + failure);
            return new StepResult(index, nemesis.text(), StepResult.Status.FAILED, did, at, run.seconds() - at,
                    failure);
        }
        run.say(did);
        return new StepResult(index, nemesis.text(), StepResult.Status.PASSED, did, at, run.seconds() - at, "");
    }

    /** Every voter healthy again, or why not after {@link #RECOVERY}. */
    private static Optional<String> awaitWhole(Run run) {
        long give = System.nanoTime() + RECOVERY.toNanos();
        ClusterStatus s = null;
        while (System.nanoTime() < give && !run.cancelled.getAsBoolean()) {
            s = run.status();
            if (s.healthyVoters() == s.voters() && s.leader().isPresent()) {
                return Optional.empty();
            }
            sleep(Duration.ofMillis(100), Long.MAX_VALUE, run);
        }
        return run.cancelled.getAsBoolean() ? Optional.empty() : Optional.of("the cluster was not whole again "
                + Durations.format(RECOVERY) + " after the last fault was undone: " + (s == null ? "" : s.summary()));
    }

    /** Sleeps, at most until {@code deadline} (System.nanoTime); false when the deadline or a cancel came first. */
    private static boolean sleep(Duration d, long deadline, Run run) {
        long want = System.nanoTime() + d.toNanos();
        long until = Math.min(deadline, want);
        long left;
        while ((left = until - System.nanoTime()) > 0) {
            if (run.cancelled.getAsBoolean()) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Math.min(50_000_000L, left));
        }
        return want <= deadline;
    }
}
