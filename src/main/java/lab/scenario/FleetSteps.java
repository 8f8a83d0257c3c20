package lab.scenario;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import lab.fleet.FleetMachine;
import lab.fleet.FleetRegistry;
import lab.fleet.Job;
import lab.fleet.FleetSnapshot;
import lab.fleet.Fleetctl;
import lab.fleet.LabFleet;
import lab.machine.Machine;
import lab.fleet.UnitSource;
import lab.provider.Lab;
import lab.provider.NodeState;
import lab.spec.BadInputException;

/**
 * Scenario steps on fleet units: start, stop and destroy them (unit files next to the scenario), the {@code unit:NAME}
 * selector (the node whose machine runs it), and the expectations on where units run.
 */
final class FleetSteps {
    private FleetSteps() {
    }

    static FleetRegistry registry(Lab lab) {
        return LabFleet.registry(lab);
    }

    /** fleet as it is now: the lab's registry, or real fleet through fleetctl on classic CoreOS VMs. */
    static FleetSnapshot snapshot(Lab lab) {
        Optional<Machine> vm = LabFleet.fleetctl(lab);
        return vm.isPresent() ? new Fleetctl(vm.get().transport()).snapshot() : FleetSnapshot.of(registry(lab));
    }

    static String act(String kind, List<String> units, Path dir, Lab lab) {
        Optional<Machine> vm = LabFleet.fleetctl(lab);
        if (vm.isPresent()) {
            Fleetctl fleetctl = new Fleetctl(vm.get().transport());
            for (String u : units) {
                String arg = name(u);
                if (kind.equals("fleet-start")) {
                    UnitSource src = UnitSource.find(dir, u).orElseThrow(() -> new BadInputException("no unit file "
                            + u + " next to the scenario"));
                    arg = fleetctl.upload(src, u);
                }
                String verb = kind.substring("fleet-".length());
                // start and stop return at once, as the lab's own steps do; expectations wait with within:
                var r = fleetctl.run(verb.equals("destroy") ? List.of(verb, arg) : List.of(verb, "--no-block", arg));
                if (!r.ok()) {
                    throw new ScenarioFailure("fleetctl " + verb + " " + name(u)
                            + " failed (exit " + r.exitCode() + "): " + (r.stderr() + r.stdout()).trim());
                }
            }
            return kind + " " + String.join(", ", units.stream().map(FleetSteps::name).toList()) + " (fleetctl)";
        }
        FleetRegistry r = registry(lab);
        for (String u : units) {
            switch (kind) {
                case "fleet-start" -> {
                    UnitSource src = UnitSource.find(dir, u).orElseThrow(() -> new BadInputException("no unit file "
                            + u + " next to the scenario"));
                    r.submit(src.unit(src.file().toString()), src.text());
                    r.targetState(src.name(), Job.TargetState.LAUNCHED);
                }
                case "fleet-stop" -> r.targetState(name(u), Job.TargetState.LOADED);
                default -> r.destroy(name(u));
            }
        }
        return kind + " " + String.join(", ", units.stream().map(FleetSteps::name).toList());
    }

    static String name(String arg) {
        return Path.of(arg).getFileName().toString();
    }

    /** The node whose machine runs the unit. */
    static String hostOf(Lab lab, String unit) {
        FleetSnapshot r = snapshot(lab);
        Job j = r.jobs().stream().filter(x -> x.name().equals(unit)).findFirst().orElseThrow(() ->
                new ScenarioFailure("unit " + unit + " is not in the cluster"));
        Map<String, String> nodeOf = LabFleet.nodesByMachine(lab, r.machines());
        if (j.machine() == null || !nodeOf.containsKey(j.machine())) {
            throw new ScenarioFailure("unit " + unit + " runs on no live machine now");
        }
        return nodeOf.get(j.machine());
    }

    /** Checks the fleet expectations of a step; a failure says what was expected and what was seen. */
    static Optional<String> check(Map<String, Object> a, Run run) {
        Lab lab = run.lab;
        FleetSnapshot r = snapshot(lab);
        List<Job> jobs = r.jobs();
        Map<FleetMachine, String> machines = r.machines();
        Map<String, String> nodeOf = LabFleet.nodesByMachine(lab, machines);
        Map<String, Map<String, FleetRegistry.UnitState>> states = r.states();
        if (a.containsKey("units")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> want = (Map<String, Object>) a.get("units");
            for (Map.Entry<String, Object> e : want.entrySet()) {
                Optional<Job> j = jobs.stream().filter(x -> x.name().equals(e.getKey())).findFirst();
                boolean running = j.isPresent() && j.get().machine() != null && nodeOf.containsKey(j.get().machine())
                        && FleetRegistry.state(states, e.getKey(), j.get().machine())
                        .map(FleetRegistry.UnitState::running).orElse(false);
                String wanted = String.valueOf(e.getValue());
                if (!Set.of("running", "stopped").contains(wanted)) {
                    return Optional.of("units: takes running or stopped for " + e.getKey() + ", got " + wanted);
                }
                boolean wantRunning = wanted.equals("running");
                if (running && !machines.keySet().stream().filter(m -> m.id().equals(j.get().machine())).findFirst()
                        .map(m -> m.hasMetadata(j.get().unit().requiredMetadata())).orElse(false)) {
                    return Optional.of("expected " + e.getKey() + " on a machine with " + j.get().unit()
                            .requiredMetadata() + ", but it runs on " + nodeOf.get(j.get().machine()));
                }
                if (running != wantRunning) {
                    return Optional.of("expected " + e.getKey() + " " + e.getValue() + ", but it is " + (running
                            ? "running on " + nodeOf.get(j.get().machine()) : j.map(x -> x.machine() == null
                            ? "not scheduled" : "not running").orElse("not in the cluster")));
                }
            }
        }
        if (a.containsKey("units-apart")) {
            @SuppressWarnings("unchecked")
            List<String> names = (List<String>) a.get("units-apart");
            Set<String> hosts = new LinkedHashSet<>();
            List<String> seen = new ArrayList<>();
            for (String n : names) {
                String m = jobs.stream().filter(x -> x.name().equals(n)).map(Job::machine).findFirst().orElse(null);
                seen.add(n + "@" + (m == null ? "-" : nodeOf.getOrDefault(m, m)));
                if (m == null || !hosts.add(m)) {
                    return Optional.of("expected " + names + " on different machines, but " + seen);
                }
            }
        }
        if (a.containsKey("global-unit")) {
            String unit = (String) a.get("global-unit");
            Optional<Job> j = jobs.stream().filter(x -> x.name().equals(unit)).findFirst();
            if (j.isEmpty()) {
                return Optional.of("expected global unit " + unit + ", but it is not in the cluster");
            }
            long nodes = lab.state().nodes().stream().filter(n -> n.process() != NodeState.Process
                    .REMOVED).count();
            if (nodeOf.size() < nodes) {
                return Optional.of("expected " + unit + " on every machine, but only " + nodeOf.size() + " of "
                        + nodes + " machines are registered");
            }
            for (FleetMachine m : machines.keySet()) {
                boolean eligible = m.hasMetadata(j.get().unit().requiredMetadata());
                boolean runs = FleetRegistry.state(states, unit, m.id()).map(FleetRegistry.UnitState::running)
                        .orElse(false);
                if (eligible != runs) {
                    return Optional.of("expected " + unit + (eligible ? " running" : " not running") + " on "
                            + nodeOf.getOrDefault(m.id(), m.id()) + ", but it is" + (runs ? "" : " not"));
                }
            }
        }
        if (Boolean.TRUE.equals(a.get("units-on-live-machines"))) {
            for (Job j : jobs) {
                if (j.machine() != null && !nodeOf.containsKey(j.machine())) {
                    return Optional.of("expected every unit on a live machine, but " + j.name() + " is scheduled to "
                            + "machine " + j.machine() + ", which is gone");
                }
            }
            for (Map.Entry<String, Map<String, FleetRegistry.UnitState>> u : states.entrySet()) {
                for (String machine : u.getValue().keySet()) {
                    if (!nodeOf.containsKey(machine)) {
                        return Optional.of("expected no unit state from a dead machine, but " + u.getKey()
                                + " is reported by machine " + machine);
                    }
                }
            }
        }
        if (a.containsKey("units-not-on")) {
            List<String> avoid = run.resolve((String) a.get("units-not-on"));
            for (Job j : jobs) {
                String host = j.machine() == null ? null : nodeOf.get(j.machine());
                if (host != null && avoid.contains(host)) {
                    return Optional.of("expected no unit on " + avoid + ", but " + j.name() + " is on " + host);
                }
            }
        }
        return Optional.empty();
    }

    static boolean wants(Map<String, Object> a) {
        return a.containsKey("units") || a.containsKey("units-apart") || a.containsKey("global-unit")
                || a.containsKey("units-on-live-machines") || a.containsKey("units-not-on");
    }
}
