package lab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import lab.provider.LabDir;
import lab.spec.BadInputException;
import lab.spec.Durations;
import lab.spec.Suggest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lab chaos}: a nemesis schedule under a workload and every check, without writing a scenario. It writes the
 * scenario it runs to {@code .lab/chaos/chaos-SEED.yaml} (so {@code lab run} can run it again) and runs it as
 * {@code lab run} would: a fresh lab, the timeline, the verdict, the journal, the lab taken down.
 */
@Command(name = "chaos", description = "Seeded random faults under a workload and every history check, on a fresh "
        + "lab; the same seed draws the same faults.")
final class ChaosCommand extends LabVerb implements Callable<Integer> {
    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "Members (default: 3).")
    int nodes;

    @Option(names = "--duration", paramLabel = "D", defaultValue = "60s", description = "How long faults are drawn "
            + "(default: 60s).")
    String duration;

    @Option(names = "--faults", paramLabel = "LIST", split = ",", description = "Which faults (default: all): kill, "
            + "stop, pause, restart, isolate, partition, block, delay, member-replace.")
    List<String> faults;

    @Option(names = "--interval", paramLabel = "D-D", defaultValue = "2s-6s", description = "Wait before each fault "
            + "(default: 2s-6s).")
    String interval;

    @Option(names = "--heal", paramLabel = "D-D", defaultValue = "1s-3s", description = "How long a fault holds before "
            + "it is undone (default: 1s-3s).")
    String heal;

    @Option(names = "--max-down", paramLabel = "WHAT", defaultValue = "minority", description = "minority (faults "
            + "keep a quorum; default) or any.")
    String maxDown;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the fault schedule and the workload (default: "
            + "a random one, printed).")
    Long seed;

    @Option(names = "--reads", paramLabel = "R", defaultValue = "linearizable", description = "The workload's reads: "
            + "linearizable (default) or serializable.")
    String reads;

    @Option(names = "--clients", paramLabel = "N", defaultValue = "4", description = "Workload clients (default: 4).")
    int clients;

    @Option(names = "--rate", paramLabel = "N/s", defaultValue = "100/s", description = "Workload operations per "
            + "second in all (default: 100/s).")
    String rate;

    @Option(names = "--watchers", paramLabel = "N", description = "Watchers of the workload's keys, watcher i through "
            + "member i, checked for etcd's watch guarantees (default: one per member; 0: none).")
    Integer watchers;

    @Option(names = "--provider", paramLabel = "P", description = "local (default), netns or vagrant.")
    String provider;

    @Option(names = "--subnet", paramLabel = "CIDR", description = "The lab network (netns and vagrant labs).")
    String subnet;

    @Option(names = "--keep", paramLabel = "WHEN", description = "Keep the lab: always, never (default) or "
            + "on-failure.")
    String keep;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the JSON journal here.")
    Path json;

    @Option(names = "--junit", paramLabel = "DIR", description = "Write JUnit XML here.")
    Path junit;

    @Override
    public Integer call() {
        List<String> problems = new ArrayList<>();
        if (nodes < 1 || nodes > 9) {
            problems.add("--nodes takes 1 to 9 members, got " + nodes);
        }
        if (Durations.parse(duration).filter(d -> !d.isZero() && !d.isNegative()).isEmpty()) {
            problems.add("--duration takes a duration like 60s or 10m, got \"" + duration + "\"");
        }
        for (String f : faults == null ? List.<String>of() : faults) {
            if (!lab.scenario.Nemesis.FAULTS.contains(f)) {
                problems.add("--faults: unknown fault \"" + f + "\"" + Suggest.closest(f, lab.scenario.Nemesis.FAULTS)
                        .map(s -> "; did you mean \"" + s + "\"?").orElse("; faults are "
                                + String.join(", ", lab.scenario.Nemesis.FAULTS)));
            }
        }
        range("--interval", interval, problems);
        range("--heal", heal, problems);
        if (!maxDown.equals("minority") && !maxDown.equals("any")) {
            problems.add("--max-down takes minority or any, got \"" + maxDown + "\"");
        }
        if (!reads.equals("linearizable") && !reads.equals("serializable")) {
            problems.add("--reads takes linearizable or serializable, got \"" + reads + "\"");
        }
        if (clients < 1 || clients > 64) {
            problems.add("--clients takes 1 to 64, got " + clients);
        }
        if (!rate.matches("\\d+(\\.\\d+)?(/s)?")) {
            problems.add("--rate takes operations per second, like 100/s, got \"" + rate + "\"");
        }
        if (watchers != null && (watchers < 0 || watchers > 16)) {
            problems.add("--watchers takes 0 (none) to 16, got " + watchers);
        }
        if (!problems.isEmpty()) {
            throw new BadInputException(String.join("\n", problems));
        }
        long s = seed != null ? seed : new java.security.SecureRandom().nextInt(1_000_000);
        Path file = top.workDir().resolve(LabDir.LABS).resolve("chaos").resolve("chaos-" + s + ".yaml");
        String list = faults == null || faults.isEmpty() ? String.join(", ", lab.scenario.Nemesis.FAULTS)
                : String.join(", ", faults);
        String yaml = "# written by lab chaos; `lab run " + top.workDir().relativize(file) + " --seed " + s
                + "` runs it again with the same faults\n"
                + "name: chaos-" + s + "\n"
                + "description: Seeded random faults (seed " + s + ") under a workload, every history check.\n"
                + "lab: {nodes: " + nodes + "}\n"
                + "workload: {clients: " + clients + ", rate: " + rate + ", keys: 8, reads: " + reads
                + (watchers == null ? ", watch: {keys: prefix}" : watchers > 0 ? ", watch: {keys: prefix, clients: "
                + watchers + "}" : "") + "}\n"
                + "checks: [linearizable, no-lost-writes, no-stale-reads" + (watchers == null || watchers > 0
                ? ", watch" : "") + "]\n"
                + "steps:\n"
                + "  - expect: {quorum: true, leader: any}\n"
                + "nemesis: {faults: [" + list + "], interval: " + interval + ", duration: " + duration
                + ", heal: " + heal + ", max-down: " + maxDown + "}\n";
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, yaml);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
        out().println("lab chaos: seed " + s + " (`lab chaos --seed " + s + "` with the same options draws the "
                + "same faults); the scenario: " + top.workDir().relativize(file));
        RunCommand run = new RunCommand();
        run.top = top;
        run.spec = spec;
        run.paths = List.of(file);
        run.seed = s;
        run.keep = keep;
        run.json = json;
        run.junit = junit;
        run.parallel = 1;
        run.provider = provider;
        run.subnet = subnet;
        return run.call();
    }

    private static void range(String flag, String value, List<String> problems) {
        if (lab.scenario.Nemesis.range(value).isEmpty()) {
            problems.add(flag + " takes a duration or a range like 2s-6s (the first no larger than the second), got \""
                    + value + "\"");
        }
    }
}
