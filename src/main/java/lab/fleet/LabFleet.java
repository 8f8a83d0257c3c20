package lab.fleet;

import java.util.Optional;
import lab.daemon.DaemonClient;
import lab.etcd.EtcdHttp;
import lab.spec.Durations;
import lab.machine.Machine;
import lab.provider.SshNodeBackend;
import lab.provider.vagrant.VagrantBackend;
import lab.spec.Profile;
import lab.provider.Lab;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.ProviderKind;

/** fleet on a running lab: makes its daemon run the engine and agents, and opens the registry through a member. */
public final class LabFleet {
    private LabFleet() {
    }

    public static FleetRegistry registry(Lab lab) {
        if (fleetctl(lab).isPresent()) {
            throw new BadInputException("lab \"" + lab.state().name() + "\" runs classic CoreOS, whose own fleet "
                    + "schedules its units: `lab fleet` commands go to fleetctl there");
        }
        lab.daemon().fleet();
        // The first member in service whose etcd answers (one HTTP call, no SSH: expectations call this per poll).
        for (String ep : lab.clientEndpoints()) {
            try {
                EtcdHttp.status(ep, java.time.Duration.ofMillis(500));
                return new FleetRegistry(ep);
            } catch (RuntimeException e) {
                // try the next member
            }
        }
        throw new EnvironmentException("no member of lab \"" + lab.state().name() + "\" answers: fleet keeps its "
                + "registry in etcd");
    }

    /** How long after fleet's start a listing of machines waits for agents that have not registered yet. */
    public static final java.time.Duration AGENTS_START = java.time.Duration.ofSeconds(10);

    /**
     * Waits until every agent the daemon runs has registered its machine, while fleet is young (a new lab's first
     * `lab fleet list-machines` printed only the header, and all 59 machines a few seconds later). Bounded by
     * {@link #AGENTS_START} from fleet's start; says once that it waits, and what it got if the bound ran out.
     */
    public static void awaitAgents(Lab lab, java.util.function.Consumer<String> say) {
        DaemonClient.FleetProgress p = lab.daemon().fleet();
        if (p.registered() >= p.agents() || p.ageMs() >= AGENTS_START.toMillis()) {
            return;
        }
        say.accept("waiting for fleet's agents to register their machines: " + p.registered() + " of " + p.agents()
                + " so far");
        long deadline = System.nanoTime() + (AGENTS_START.toMillis() - p.ageMs()) * 1_000_000;
        while (p.registered() < p.agents() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            p = lab.daemon().fleet();
        }
        if (p.registered() < p.agents()) {
            say.accept("only " + p.registered() + " of " + p.agents() + " agents registered within "
                    + Durations.format(AGENTS_START) + " of fleet's start; listing those");
        }
    }

    /**
     * Where `lab fleet` runs {@code fleetctl}: on classic CoreOS VMs fleet itself is there (cloud-config starts
     * fleet.service), so the lab drives it instead of its own engine; the first member the lab has not stopped,
     * killed or powered off (no round trip to ask: expectations call this on every poll, and a member that does not
     * answer makes the fleetctl command fail with its name). Empty for every other lab.
     */
    public static Optional<Machine> fleetctl(Lab lab) {
        if (lab.state().provider() != ProviderKind.VAGRANT
                || VagrantBackend.profileOf(lab.dir()).filter(p -> p == Profile.COREOS).isEmpty()) {
            return Optional.empty();
        }
        SshNodeBackend vms = (SshNodeBackend) lab.backend();
        return Optional.of(lab.state().members().stream().filter(Lab::inService).findFirst()
                .map(n -> vms.machine(lab, n.name()))
                .orElseThrow(() -> new EnvironmentException("no member of lab \"" + lab.state().name() + "\" runs, "
                        + "so no fleetctl can be asked: `lab node start` one")));
    }

    /**
     * What reads a unit's output on a node, where the daemon's agents ran it: journalctl over SSH on VMs (systemd
     * ran it), the log file the agent wrote elsewhere.
     */
    public static UnitRunner outputReader(Lab lab, String node) {
        return lab.backend() instanceof VagrantBackend vms ? new SystemdUnitRunner(vms.machine(lab, node))
                : new ProcessUnitRunner(ProcessUnitRunner.unitsDir(lab.dir(), node), java.util.Map.of());
    }

    /** Live machine ID to node name, by the address each agent registered for its machine. */
    public static java.util.Map<String, String> nodesByMachine(Lab lab, java.util.Map<FleetMachine, String> machines) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        machines.forEach((m, ip) -> lab.state().nodes().stream().filter(n -> n.address().equals(ip)).findFirst()
                .ifPresent(n -> out.put(m.id(), n.name())));
        return out;
    }
}
