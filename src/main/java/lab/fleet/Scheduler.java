package lab.fleet;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * fleet's least-loaded scheduler, rule for rule (fleet's cases.md section 0, src/test/resources/conformance/fleet): the load of a machine
 * is the units it holds (scheduled non-global units not inactive, plus the global units that apply to it); machines
 * are tried fewest units first, ties to the lowest ID; the first that is able to run the unit gets it.
 */
public final class Scheduler {
    private Scheduler() {
    }

    public enum Decision { SCHEDULE, UNSCHEDULE, RESCHEDULE }

    /**
     * The answer of {@link #ableToRun}, with fleet's reason. {@code replaced}: the unit a Reschedule moves away (the
     * one on the agent when the job replaces it; the job itself when a unit on the agent replaces the job).
     */
    public record Verdict(Decision decision, String reason, String replaced) {
        static Verdict schedule() {
            return new Verdict(Decision.SCHEDULE, "", "");
        }

        static Verdict unschedule(String why) {
            return new Verdict(Decision.UNSCHEDULE, why, "");
        }
    }

    /** One machine and the units it holds, by name. */
    public record Agent(FleetMachine machine, Map<String, FleetUnit> units) {
        public Agent {
            units = new LinkedHashMap<>(units);
        }

        public static Agent of(FleetMachine m, FleetUnit... held) {
            Map<String, FleetUnit> u = new LinkedHashMap<>();
            for (FleetUnit f : held) {
                u.put(f.name(), f);
            }
            return new Agent(m, u);
        }
    }

    /** AbleToRun: MachineID, metadata, peers, conflicts (both ways), then replaces (one way only); first failure wins. */
    public static Verdict ableToRun(Agent agent, FleetUnit job) {
        Optional<String> pinned = job.machineId();
        if (pinned.isPresent() && !agent.machine().matchesId(pinned.get())) {
            return Verdict.unschedule("unit is pinned to machine " + pinned.get());
        }
        Map<String, java.util.Set<String>> md = job.requiredMetadata();
        if (!md.isEmpty() && !agent.machine().hasMetadata(md)) {
            return Verdict.unschedule("machine metadata does not match " + md);
        }
        for (String peer : job.peers()) {
            if (!agent.units().containsKey(peer)) {
                return Verdict.unschedule("peer " + peer + " is not on this machine");
            }
        }
        Optional<String> conflict = conflictWith(agent, job);
        if (conflict.isPresent()) {
            return Verdict.unschedule("conflicts with " + conflict.get());
        }
        Optional<String> other = replacedBy(agent, job);
        if (other.isPresent()) {
            boolean jobReplaces = job.replaces().stream().anyMatch(p -> Glob.matches(p, other.get()));
            String moved = jobReplaces ? other.get() : job.name();
            return new Verdict(Decision.RESCHEDULE, jobReplaces ? "replaces " + other.get() : "replaced by "
                    + other.get(), moved);
        }
        return Verdict.schedule();
    }

    /** A unit on the agent that the job's Conflicts names, or whose Conflicts names the job. */
    public static Optional<String> conflictWith(Agent agent, FleetUnit job) {
        for (FleetUnit u : agent.units().values()) {
            if (u.name().equals(job.name())) {
                continue;
            }
            if (job.conflicts().stream().anyMatch(p -> Glob.matches(p, u.name()))
                    || u.conflicts().stream().anyMatch(p -> Glob.matches(p, job.name()))) {
                return Optional.of(u.name());
            }
        }
        return Optional.empty();
    }

    /**
     * The unit on the agent that a Replaces concerns: the job replaces it, or it replaces the job. Both at once (a
     * circular replace) counts as none.
     */
    public static Optional<String> replacedBy(Agent agent, FleetUnit job) {
        for (FleetUnit u : agent.units().values()) {
            if (u.name().equals(job.name())) {
                continue;
            }
            boolean jobReplaces = job.replaces().stream().anyMatch(p -> Glob.matches(p, u.name()));
            boolean unitReplaces = u.replaces().stream().anyMatch(p -> Glob.matches(p, job.name()));
            if (jobReplaces != unitReplaces) {
                return Optional.of(u.name());
            }
        }
        return Optional.empty();
    }

    /** Fewest units first; ties to the lowest machine ID (string order). */
    public static List<Agent> sorted(List<Agent> agents) {
        List<Agent> out = new ArrayList<>(agents);
        out.sort(Comparator.comparingInt((Agent a) -> a.units().size()).thenComparing(a -> a.machine().id()));
        return out;
    }

    /** The machine for a job, or why there is none (fleet's words). */
    public static Decided decide(List<Agent> agents, FleetUnit job) {
        if (agents.isEmpty()) {
            return new Decided(Optional.empty(), "zero agents available");
        }
        for (Agent a : sorted(agents)) {
            if (ableToRun(a, job).decision() != Decision.UNSCHEDULE) {
                return new Decided(Optional.of(a.machine().id()), "");
            }
        }
        return new Decided(Optional.empty(), "no agents able to run job");
    }

    /** Where a replaced unit goes: the least-loaded machine other than its current one, without an AbleToRun check. */
    public static Decided decideReschedule(List<Agent> agents, String currentMachine) {
        for (Agent a : sorted(agents)) {
            if (!a.machine().id().equals(currentMachine)) {
                return new Decided(Optional.of(a.machine().id()), "");
            }
        }
        return new Decided(Optional.empty(), "no agents available to reschedule to");
    }

    /** A decision: the machine, or the reason there is none. */
    public record Decided(Optional<String> machine, String error) {
    }
}
