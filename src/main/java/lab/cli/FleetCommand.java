package lab.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import lab.fleet.ClusterState;
import lab.fleet.FleetMachine;
import lab.fleet.Fleetctl;
import lab.fleet.FleetRegistry;
import lab.fleet.FleetUnit;
import lab.fleet.UnitRunner;
import lab.fleet.Job;
import lab.fleet.LabFleet;
import lab.fleet.UnitSource;
import lab.machine.Machine;
import lab.transport.ExecResult;
import lab.provider.Lab;
import lab.spec.BadInputException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "fleet", description = {"fleet units on the lab, the way fleetctl drives them: submit, load, start, "
        + "stop, unload, destroy, list-machines, list-units, list-unit-files, status, journal.",
    "The lab's daemon runs fleet's engine and an agent per node (units are processes, on netns inside the node's "
        + "namespace); the registry is in the lab's etcd under /_coreos.com/fleet."})
final class FleetCommand extends RunningLabVerb {
    static final String UNITS_HELP = "Unit names or unit files (a file is submitted first), like hello@1.service.";

    @Option(names = "--no-legend", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Leave out the column headers.")
    boolean noLegend;

    @Option(names = "--full", scope = picocli.CommandLine.ScopeType.INHERIT, description = "Full machine IDs and hashes.")
    boolean full;

    @Option(names = "--fields", scope = picocli.CommandLine.ScopeType.INHERIT, paramLabel = "F,F", description = "The columns to show, comma-separated.")
    String fields;

    /** Runs a verb on real fleet through fleetctl where the lab has it (classic CoreOS VMs), else on the lab's own. */
    private int either(String verb, List<String> args, BiFunction<Lab, FleetRegistry, Integer> own) {
        Lab lab = lab();
        Optional<Machine> vm = LabFleet.fleetctl(lab);
        return vm.isPresent() ? viaFleetctl(vm.get(), verb, args) : own.apply(lab, LabFleet.registry(lab));
    }

    /**
     * Classic CoreOS VMs run fleet itself: the verb goes to fleetctl on a member (unit files named on the command
     * line are uploaded first, an instance's template with it), with the same flags; its output and exit code are
     * the command's.
     */
    private int viaFleetctl(Machine vm, String verb, List<String> args) {
        Fleetctl fleetctl = new Fleetctl(vm.transport());
        List<String> remote = new ArrayList<>(List.of(verb));
        if (noLegend) {
            remote.add("--no-legend");
        }
        if (full) {
            remote.add("--full");
        }
        if (fields != null) {
            remote.add("--fields=" + fields);
        }
        for (String a : args) {
            remote.add(UnitSource.find(top.workDir(), a).map(src -> fleetctl.upload(src, a)).orElse(a));
        }
        ExecResult r = fleetctl.run(remote);
        out().print(r.stdout());
        err().print(r.stderr());
        return r.exitCode();
    }

    @Command(name = "submit", description = "Store unit files in the cluster (target state inactive).")
    int submit(@Parameters(paramLabel = "FILE", arity = "1..*", description = "Unit files (an instance finds its template next to it).") List<Path> files) {
        return either("submit", files.stream().map(Path::toString).toList(), (lab, r) -> {
            for (Path f : files) {
                submitFile(r, f);
            }
            return ExitCode.OK;
        });
    }

    private String submitFile(FleetRegistry r, Path f) {
        Path file = top.workDir().resolve(f);
        String display = SpecOptions.display(top.workDir(), file);
        UnitSource src = UnitSource.find(top.workDir(), f.toString()).orElseThrow(() -> new BadInputException(
                display + ": no such unit file"));
        r.submit(src.unit(display), src.text());
        out().println("Unit " + src.name() + " inactive");
        return src.name();
    }

    /** A unit name, or a file to submit first (an instance name@x.service finds name@.service next to it). */
    private String unitOf(FleetRegistry r, String arg) {
        Optional<UnitSource> src = UnitSource.find(top.workDir(), arg);
        if (src.isPresent()) {
            r.submit(src.get().unit(SpecOptions.display(top.workDir(), src.get().file())), src.get().text());
            return src.get().name();
        }
        String name = Path.of(arg).getFileName().toString();
        if (r.jobs().stream().noneMatch(j -> j.name().equals(name))) {
            throw new BadInputException("unit " + name + " is not in the cluster and no such file is here; `lab fleet "
                    + "submit FILE` first");
        }
        return name;
    }

    private int target(List<String> units, Job.TargetState state, String verb) {
        return either(verb, units, (lab, r) -> {
            for (String u : units) {
                String name = unitOf(r, u);
                r.targetState(name, state);
                out().println("Triggered unit " + name + " " + verb);
            }
            return ExitCode.OK;
        });
    }

    @Command(name = "load", description = "Schedule units to machines without starting them.")
    int load(@Parameters(paramLabel = "UNIT", arity = "1..*", description = UNITS_HELP) List<String> units) {
        return target(units, Job.TargetState.LOADED, "load");
    }

    @Command(name = "start", description = "Schedule and start units (files are submitted first).")
    int start(@Parameters(paramLabel = "UNIT", arity = "1..*", description = UNITS_HELP) List<String> units) {
        return target(units, Job.TargetState.LAUNCHED, "start");
    }

    @Command(name = "stop", description = "Stop units; they stay scheduled (loaded).")
    int stop(@Parameters(paramLabel = "UNIT", arity = "1..*", description = UNITS_HELP) List<String> units) {
        return target(units, Job.TargetState.LOADED, "stop");
    }

    @Command(name = "unload", description = "Stop units and take them off their machines (inactive).")
    int unload(@Parameters(paramLabel = "UNIT", arity = "1..*", description = UNITS_HELP) List<String> units) {
        return target(units, Job.TargetState.INACTIVE, "unload");
    }

    @Command(name = "destroy", description = "Stop units and remove them from the cluster.")
    int destroy(@Parameters(paramLabel = "UNIT", arity = "1..*", description = UNITS_HELP) List<String> units) {
        return either("destroy", units, (lab, r) -> {
            for (String u : units) {
                r.destroy(u);
                out().println("Destroyed " + u);
            }
            return ExitCode.OK;
        });
    }

    @Command(name = "list-machines", description = "MACHINE IP METADATA, as fleetctl lists them.")
    int listMachines() {
        return either("list-machines", List.of(), (lab, r) -> {
            LabFleet.awaitAgents(lab, err()::println);
            List<Map<String, String>> rows = new ArrayList<>();
            r.machines().forEach((m, ip) -> {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("machine", id(m.id()));
                row.put("ip", ip);
                row.put("metadata", m.metadata().isEmpty() ? "-" : String.join(",", m.metadata().entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList()));
                rows.add(row);
            });
            return print(List.of("machine", "ip", "metadata"), rows);
        });
    }

    @Command(name = "list-units", description = {"UNIT MACHINE ACTIVE SUB, as fleetctl lists them: one row per unit "
            + "and machine it is loaded on (a global unit once per machine), by unit name then machine ID.",
            "Fields: unit, machine, active, sub, load, hash."})
    int listUnits() {
        return either("list-units", List.of(), (lab, r) -> {
            Map<String, String> ips = ips(r.machines());
            Map<String, Map<String, FleetRegistry.UnitState>> states = r.states();
            Map<String, Job> jobs = new java.util.HashMap<>();
            r.jobs().forEach(j -> jobs.put(j.name(), j));
            // fleet v1.0.0 fleetctl/list_units.go lists cAPI.UnitStates(): what agents reported, sorted by unit
            // name then machine ID (registry/unit_state.go MUSKeys), so a global unit appears once per machine. A
            // unit the engine placed whose agent has not reported yet is shown too, as activating or inactive.
            java.util.TreeMap<String, java.util.TreeMap<String, Optional<FleetRegistry.UnitState>>> listed =
                    new java.util.TreeMap<>();
            states.forEach((unit, byMachine) -> byMachine.forEach((m, st) -> listed.computeIfAbsent(unit,
                    k -> new java.util.TreeMap<>()).put(m, Optional.of(st))));
            for (Job j : jobs.values()) {
                if (j.machine() != null && !j.unit().global() && j.target() != Job.TargetState.INACTIVE) {
                    listed.computeIfAbsent(j.name(), k -> new java.util.TreeMap<>()).putIfAbsent(j.machine(),
                            Optional.empty());
                }
            }
            List<Map<String, String>> rows = new ArrayList<>();
            listed.forEach((unit, byMachine) -> byMachine.forEach((m, st) -> {
                Job j = jobs.get(unit);
                Map<String, String> row = new LinkedHashMap<>();
                row.put("unit", unit);
                row.put("machine", id(m) + "/" + ips.getOrDefault(m, "?"));
                row.put("active", st.map(FleetRegistry.UnitState::activeState).orElse(j != null
                        && j.target() == Job.TargetState.LAUNCHED ? "activating" : "inactive"));
                row.put("sub", st.map(FleetRegistry.UnitState::subState).orElse(j != null
                        && j.target() == Job.TargetState.LAUNCHED ? "start" : "dead"));
                row.put("load", st.isPresent() || j != null ? "loaded" : "-");
                String hash = j == null ? "-" : j.unit().hash();
                row.put("hash", full || hash.length() < 7 ? hash : hash.substring(0, 7));
                rows.add(row);
            }));
            return print(List.of("unit", "machine", "active", "sub", "load", "hash"), rows, 4);
        });
    }

    @Command(name = "list-unit-files", description = "UNIT HASH DSTATE STATE TARGET, as fleetctl lists them.")
    int listUnitFiles() {
        return either("list-unit-files", List.of(), (lab, r) -> {
            Map<String, String> ips = ips(r.machines());
            List<Map<String, String>> rows = new ArrayList<>();
            for (Job j : r.jobs()) {
                Map<String, String> row = new LinkedHashMap<>();
                row.put("unit", j.name());
                String hash = j.unit().hash();
                row.put("hash", full ? hash : hash.substring(0, 7));
                row.put("dstate", j.target().id());
                row.put("state", j.machine() == null ? "inactive" : j.target().id());
                row.put("target", j.machine() == null ? "-" : id(j.machine()) + "/" + ips.getOrDefault(j.machine(), "?"));
                rows.add(row);
            }
            return print(List.of("unit", "hash", "dstate", "state", "target"), rows);
        });
    }

    @Command(name = "status", description = {"Where a unit runs and how, like fleetctl status: its desired state, "
            + "the machine (and node) it is on with its active and sub state, or why it is pending; the last lines of "
            + "its output.", "Exit code 0 when it is active wherever it should run, 3 otherwise (as systemctl "
            + "status)."})
    int status(@Parameters(paramLabel = "UNIT", description = "A unit name, like hello@1.service.") String unit) {
        return either("status", List.of(unit), (lab, r) -> status(lab, r, unit));
    }

    private int status(Lab lab, FleetRegistry r, String unit) {
        List<Job> jobs = r.jobs();
        Job j = job(jobs, unit);
        Map<FleetMachine, String> machines = r.machines();
        Map<String, String> nodes = LabFleet.nodesByMachine(lab, machines);
        Map<String, String> ips = ips(machines);
        Map<String, Map<String, FleetRegistry.UnitState>> states = r.states();
        String description = j.unit().file().values("Unit", "Description").stream().reduce((a, b) -> b).orElse("");
        // systemd expands the description's specifiers on the machine that runs it (%m, %H there)
        String on = j.unit().global() || j.machine() == null ? null : j.machine();
        description = FleetUnit.expand(description, on == null ? FleetUnit.specifiers(unit)
                : UnitRunner.specifiers(unit, on, nodes.getOrDefault(on, "")));
        out().println("● " + unit + (description.isEmpty() ? "" : " - " + description));
        out().println("   Loaded: fleet (desired state " + j.target().id() + ", unit hash " + j.unit().hash()
                .substring(0, 7) + (j.unit().global() ? ", global" : "") + ")");
        // a global unit runs on every live machine able to run it; others where the engine put them
        List<String> where = j.unit().global() ? machines.keySet().stream().filter(m -> ClusterState.desired(m,
                jobs).contains(unit)).map(FleetMachine::id).sorted().toList()
                : j.machine() == null ? List.of() : List.of(j.machine());
        boolean allActive = !where.isEmpty() && j.target() == Job.TargetState.LAUNCHED;
        if (where.isEmpty()) {
            String why = j.target() == Job.TargetState.INACTIVE ? "not loaded (desired state inactive)"
                    : ClusterState.whyPending(new ArrayList<>(machines.keySet()), jobs, unit)
                    .map(w -> "pending: " + w).orElse("waiting for the engine's next pass");
            out().println("   Active: inactive, " + why);
        }
        for (String m : where) {
            Optional<FleetRegistry.UnitState> st = FleetRegistry.state(states, unit, m);
            allActive &= st.map(FleetRegistry.UnitState::running).orElse(false);
            out().println("   Active: " + st.map(x -> x.activeState() + " (" + x.subState() + ")").orElse(
                    j.target() == Job.TargetState.LAUNCHED ? "activating (start)" : "inactive (loaded)") + " on "
                    + id(m) + "/" + ips.getOrDefault(m, "?") + Optional.ofNullable(nodes.get(m)).map(n -> " (" + n
                    + ")").orElse(""));
            output(lab, nodes.get(m), unit, 10).lines().forEach(l -> out().println("  " + l));
        }
        return allActive ? ExitCode.OK : 3;
    }

    @Command(name = "journal", description = "The output of a unit on the machine that runs it.")
    int journal(@Parameters(paramLabel = "UNIT", description = "A unit name, like hello@1.service.") String unit) {
        return either("journal", List.of(unit), (lab, r) -> {
            Job j = job(r.jobs(), unit);
            if (j.machine() == null) {
                throw new BadInputException("unit " + unit + " is not scheduled to a machine");
            }
            String text = output(lab, LabFleet.nodesByMachine(lab, r.machines()).get(j.machine()), unit, 1000);
            out().print(text.isEmpty() ? "-- no output from " + unit + " yet --\n" : text);
            return ExitCode.OK;
        });
    }

    /** The last lines a unit wrote on a node; empty when there is none (or the node is unknown). */
    private static String output(Lab lab, String node, String unit, int lines) {
        return node == null ? "" : LabFleet.outputReader(lab, node).output(unit, lines);
    }

    /** A unit of the cluster by name. */
    private static Job job(List<Job> jobs, String unit) {
        return jobs.stream().filter(x -> x.name().equals(unit)).findFirst().orElseThrow(() -> new BadInputException(
                "unit " + unit + " is not in the cluster; `lab fleet list-unit-files` shows what is"));
    }

    /** Machine ID to IP. */
    private static Map<String, String> ips(Map<FleetMachine, String> machines) {
        Map<String, String> out = new LinkedHashMap<>();
        machines.forEach((m, ip) -> out.put(m.id(), ip));
        return out;
    }

    private String id(String machine) {
        return full || machine.length() <= 8 ? machine : machine.substring(0, 8) + "...";
    }

    /** Columns separated by tabs as fleetctl's tabwriter does; --fields picks and orders them. */
    private int print(List<String> columns, List<Map<String, String>> rows) {
        return print(columns, rows, columns.size());
    }

    /** @param shown how many of the columns show without --fields (the others only when asked for) */
    private int print(List<String> columns, List<Map<String, String>> rows, int shown) {
        List<String> cols = fields == null ? columns.subList(0, shown)
                : Arrays.stream(fields.split(",")).map(String::trim).toList();
        for (String c : cols) {
            if (!columns.contains(c)) {
                throw new BadInputException("unknown field \"" + c + "\"; this listing has " + String.join(", ",
                        columns));
            }
        }
        List<List<String>> table = new ArrayList<>();
        if (!noLegend) {
            table.add(cols.stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toList());
        }
        rows.forEach(r -> table.add(cols.stream().map(r::get).toList()));
        int[] w = new int[cols.size()];
        table.forEach(r -> {
            for (int i = 0; i < r.size(); i++) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        });
        for (List<String> r : table) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                b.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (w[i] + 1) + "s", r.get(i)) + "\t");
            }
            out().println(b.toString().stripTrailing());
        }
        return ExitCode.OK;
    }
}
