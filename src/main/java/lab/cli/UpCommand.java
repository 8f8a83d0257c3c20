package lab.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import lab.provider.Lab;
import lab.provider.Readiness;
import lab.provider.StatusProbe;
import lab.report.StatusReport;
import lab.spec.BadInputException;
import lab.spec.Durations;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;
import lab.spec.ProviderKind;
import lab.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "up", description = "Bring a lab up and return when its cluster has a leader and accepts writes.")
final class UpCommand extends LabVerb implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Option(names = "--wait", paramLabel = "DURATION", defaultValue = "60s",
            description = "How long to wait for a ready cluster (default: 60s).")
    String waitFor;

    @Option(names = "--keep", description = "Leave the processes running when the cluster does not become ready.")
    boolean keep;

    @Option(names = "--allow-even", description = "Start an even number of members (no extra fault tolerance).")
    boolean allowEven;

    @Option(names = "--block", paramLabel = "B", description = "Use loopback addresses 127.B.x.y (default: a free "
            + "block, the subnet's second octet when free).")
    Integer block;

    @Override
    public Integer call() {
        Duration wait = Durations.flag("--wait", waitFor);
        SpecLoader.Loaded loaded = specOptions.load(top.workDir());
        var out = spec.commandLine().getOut();
        loaded.warnings().forEach(w -> spec.commandLine().getErr().println(w));
        LabSpec lab = loaded.spec();
        if (lab.members().size() % 2 == 0 && !allowEven) {
            throw new BadInputException(lab.members().size() + " members tolerate " + lab.faultTolerance()
                    + " failure(s), like " + (lab.members().size() - 1) + ": use an odd count, or pass --allow-even "
                    + "to start it anyway");
        }
        long t0 = System.nanoTime();
        java.util.Optional<Lab> revived = Lab.reviveDaemon(top.workDir(), lab.name(), out()::println);
        if (revived.isPresent()) {
            // its nodes ran all along: the lab is as it was, with its daemon (and so its peer links) back
            out.printf("lab \"%s\" was up without its daemon; it is back in %s%n", lab.name(),
                    Durations.format(Duration.ofNanos(System.nanoTime() - t0)));
            out.print(StatusReport.table(StatusProbe.probe(revived.get(), Duration.ofMillis(800))));
            return ExitCode.OK;
        }
        Lab[] created = new Lab[1]; // set before the first process starts
        // Ctrl-C or SIGTERM during bring-up: take down what was started (unless --keep), say so, exit 130/143.
        try (Cancellation cancel = Cancellation.install(err(), "lab " + lab.name() + " may be left half up")) {
            try {
                Lab.create(top.workDir(), lab, block, out()::println, l -> created[0] = l);
                Readiness.awaitCluster(created[0], wait);
                if (cancel.cancelled()) {
                    throw new EnvironmentException("interrupted");
                }
            } catch (RuntimeException e) {
                if (created[0] != null && !keep) {
                    created[0].destroy();
                } else if (created[0] != null) {
                    out.println("--keep: the lab's processes are left running; `lab down --name " + lab.name()
                            + "` removes them");
                }
                if (cancel.cancelled()) {
                    err().println("lab: interrupted while lab " + lab.name() + " came up; " + (keep && created[0]
                            != null ? "kept (--keep)" : "nothing of it is left running"));
                    return cancel.exitCode();
                }
                throw e;
            }
        }
        String where = switch (created[0].state().provider()) {
            case LOCAL -> "on " + created[0].state().addressRange();
            case NETNS -> "in network namespaces on " + lab.subnet();
            case VAGRANT -> "on Vagrant VMs on " + lab.subnet();
        };
        out.printf("lab \"%s\" is up in %s: %d member(s) %s, state in %s%n", lab.name(),
                Durations.format(Duration.ofNanos(System.nanoTime() - t0)), lab.members().size(), where,
                SpecOptions.display(top.workDir(), created[0].dir().root()));
        out.print(StatusReport.table(StatusProbe.probe(created[0], Duration.ofMillis(800))));
        out.println("next: lab status, lab etcdctl -- member list -w table, lab node kill leader, "
                + (created[0].state().provider() != ProviderKind.LOCAL ? "lab ssh core-01, " : "")
                + "lab down");
        return ExitCode.OK;
    }
}
