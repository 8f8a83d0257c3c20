package lab.fleet;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the engine sees in one reconcile pass, and what it decides: the load of every live machine, the tasks that
 * move units (unschedule, schedule, reschedule), and the units each agent should hold.
 */
public final class ClusterState {
    private final Map<String, FleetMachine> machines = new LinkedHashMap<>();
    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final Map<String, String> pending = new LinkedHashMap<>();

    public ClusterState(List<FleetMachine> machines, List<Job> jobs) {
        machines.forEach(m -> this.machines.put(m.id(), m));
        jobs.forEach(j -> this.jobs.put(j.name(), j));
    }

    /** A task of the reconciler: UnscheduleUnit or AttemptScheduleUnit, with fleet's reason. */
    public record Task(String type, String unit, String machine, String reason) {
        @Override
        public String toString() {
            return type + "(" + unit + ", " + machine + ", \"" + reason + "\")";
        }
    }

    /**
     * Each live machine's units: the non-global jobs scheduled to it whose target is not inactive, then every global
     * unit whose metadata it has and which does not conflict with what it holds already.
     */
    public List<Scheduler.Agent> agents() {
        List<Scheduler.Agent> out = new ArrayList<>();
        for (FleetMachine m : machines.values()) {
            out.add(agent(m));
        }
        return out;
    }

    Scheduler.Agent agent(FleetMachine m) {
        Scheduler.Agent a = Scheduler.Agent.of(m);
        for (Job j : jobs.values()) {
            if (!j.unit().global() && m.id().equals(j.machine()) && j.target() != Job.TargetState.INACTIVE) {
                a.units().put(j.name(), j.unit());
            }
        }
        for (Job j : jobs.values()) {
            if (j.unit().global() && j.target() != Job.TargetState.INACTIVE && appliesTo(j.unit(), a)) {
                a.units().put(j.name(), j.unit());
            }
        }
        return a;
    }

    private static boolean appliesTo(FleetUnit global, Scheduler.Agent a) {
        return a.machine().hasMetadata(global.requiredMetadata()) && Scheduler.conflictWith(a, global).isEmpty();
    }

    /**
     * One reconcile pass: scheduled jobs first (inactive target, machine gone, no longer able to run, replaced), then
     * the unscheduled ones, each decision applied at once so later ones see the new load. Jobs are taken in name
     * order here: fleet takes them in Go's random map order, so the lab picks a deterministic one.
     */
    public List<Task> reconcile() {
        List<Task> tasks = new ArrayList<>();
        for (Job listed : sortedJobs()) {
            Job j = jobs.get(listed.name()); // as earlier decisions of this pass left it
            if (j.unit().global() || j.machine() == null) {
                continue;
            }
            String m = j.machine();
            if (j.target() == Job.TargetState.INACTIVE) {
                unschedule(tasks, j, "target state inactive");
            } else if (!machines.containsKey(m)) {
                unschedule(tasks, j, "target Machine(" + m + ") went away");
            } else {
                Scheduler.Agent here = agent(machines.get(m));
                here.units().remove(j.name());
                Scheduler.Verdict v = Scheduler.ableToRun(here, j.unit());
                if (v.decision() == Scheduler.Decision.UNSCHEDULE) {
                    unschedule(tasks, j, "target Machine(" + m + ") unable to run unit: " + v.reason());
                } else if (v.decision() == Scheduler.Decision.RESCHEDULE) {
                    Job replaced = jobs.get(v.replaced());
                    if (replaced != null && m.equals(replaced.machine())) {
                        unschedule(tasks, replaced, v.reason());
                        Scheduler.Decided d = Scheduler.decideReschedule(agents(), m);
                        d.machine().ifPresent(to -> schedule(tasks, jobs.get(replaced.name()), to));
                    }
                }
            }
        }
        for (Job listed : sortedJobs()) {
            Job j = jobs.get(listed.name());
            if (j.unit().global() || j.machine() != null || j.target() == Job.TargetState.INACTIVE) {
                continue;
            }
            Scheduler.Decided d = Scheduler.decide(agents(), j.unit());
            d.machine().ifPresentOrElse(to -> schedule(tasks, j, to), () -> pending.put(j.name(), d.error()));
        }
        return tasks;
    }

    private List<Job> sortedJobs() {
        List<Job> out = new ArrayList<>(jobs.values());
        out.sort(java.util.Comparator.comparing(Job::name));
        return out;
    }

    private void unschedule(List<Task> tasks, Job j, String why) {
        tasks.add(new Task("UnscheduleUnit", j.name(), j.machine(), why));
        jobs.put(j.name(), j.on(null));
    }

    private void schedule(List<Task> tasks, Job j, String to) {
        tasks.add(new Task("AttemptScheduleUnit", j.name(), to, "target state " + j.target().id()
                + " and unit not scheduled"));
        jobs.put(j.name(), j.on(to));
    }

    /** The units the last pass could not place, with fleet's reason; they are tried again on the next pass. */
    public Map<String, String> pending() {
        return Map.copyOf(pending);
    }

    /**
     * Why the engine would leave {@code unit} unscheduled now (fleet's words, "no agents able to run job ..."), by
     * replaying a pass over what the registry holds; empty when it would schedule it.
     */
    public static java.util.Optional<String> whyPending(List<FleetMachine> machines, List<Job> jobs, String unit) {
        ClusterState cs = new ClusterState(machines, jobs);
        cs.reconcile();
        String why = cs.pending.get(unit);
        if (why == null) {
            return java.util.Optional.empty();
        }
        // fleet logs only its summary; a lab says what each machine had against the unit
        FleetUnit u = cs.jobs.get(unit).unit();
        List<String> each = cs.agents().stream().map(a -> a.machine().id().substring(0, Math.min(8, a.machine().id()
                .length())) + ": " + Scheduler.ableToRun(a, u).reason()).toList();
        return java.util.Optional.of(each.isEmpty() ? why : why + " (" + String.join("; ", each) + ")");
    }

    /** The jobs as they are after the pass. */
    public List<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    /** What the agent of {@code machine} should run: its scheduled units and the global units that apply to it. */
    public static List<String> desired(FleetMachine machine, List<Job> registry) {
        Scheduler.Agent a = new ClusterState(List.of(machine), registry).agent(machine);
        return List.copyOf(a.units().keySet());
    }

    public Optional<FleetMachine> machine(String id) {
        return Optional.ofNullable(machines.get(id));
    }
}
