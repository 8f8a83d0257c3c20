package lab.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import lab.etcd.EtcdHttp;
import lab.etcd.Member;
import lab.provider.ClusterStatus;
import lab.provider.NodeState;
import lab.provider.Recovery;
import lab.etcd.MemberStatus;
import lab.provider.Membership;

/** Checks an {@code expect:} step against the cluster; a failure says what was expected and what was observed. */
final class Expectations {
    private static final Duration CALL = Duration.ofSeconds(2);

    private Expectations() {
    }

    /** Empty when every expectation of the step holds now; otherwise the first that does not. */
    @SuppressWarnings("unchecked")
    static Optional<String> check(Step step, Run run) {
        ClusterStatus s = run.status();
        Map<String, Object> a = step.args();
        if (FleetSteps.wants(a)) {
            Optional<String> f = FleetSteps.check(a, run);
            if (f.isPresent()) {
                return f;
            }
        }
        if (a.containsKey("quorum") && s.quorum() != (Boolean) a.get("quorum")) {
            return fail("quorum " + a.get("quorum"), s.summary());
        }
        if (a.containsKey("leader")) {
            String want = (String) a.get("leader");
            if (want.equals("changed") && !run.faultSeen) {
                // it compared with nobody and passed at once, whatever the cluster did
                throw new ScenarioFailure("leader: changed compares with the leader when the last fault began, and "
                        + "no fault came before this step");
            }
            Optional<String> leader = s.leader();
            boolean ok = switch (want) {
                case "any" -> leader.isPresent();
                case "none" -> leader.isEmpty();
                case "changed" -> leader.isPresent() && !leader.get().equals(run.leaderBeforeFault);
                default -> leader.isPresent() && leader.get().equals(run.resolveOne(want));
            };
            if (!ok) {
                return fail("leader " + want + (want.equals("changed") ? " (was " + run.leaderBeforeFault + ")" : ""),
                        "leader " + leader.orElse("none"));
            }
        }
        if (a.containsKey("healthy") && s.healthyVoters() != (Integer) a.get("healthy")) {
            return fail(a.get("healthy") + " healthy members", s.summary());
        }
        if (a.containsKey("members") || a.containsKey("learners")) {
            List<Member> members;
            try {
                members = Membership.list(run.lab);
            } catch (RuntimeException e) {
                return fail("a member list", "none: " + e.getMessage());
            }
            Object m = a.get("members");
            if (m instanceof Integer n && members.size() != n) {
                return fail(n + " members", members.size() + " " + names(members));
            }
            if (m instanceof List<?> l && !new TreeSet<>((List<String>) l).equals(new TreeSet<>(names(members)))) {
                return fail("members " + new TreeSet<>((List<String>) l), "members " + new TreeSet<>(names(members)));
            }
            long learners = members.stream().filter(Member::learner).count();
            if (a.containsKey("learners") && learners != (Integer) a.get("learners")) {
                return fail(a.get("learners") + " learner(s)", learners + " learner(s)");
            }
        }
        if (a.containsKey("key")) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) a.get("key")).entrySet()) {
                Optional<String> v = EtcdHttp.get(Actions.endpoint(run), e.getKey(), CALL);
                Object want = e.getValue();
                if (!v.equals(Optional.ofNullable(want == null ? null : want.toString()))) {
                    return fail(e.getKey() + " = " + (want == null ? "(absent)" : want), e.getKey() + " = "
                            + v.orElse("(absent)"));
                }
            }
        }
        if (a.containsKey("prefix")) {
            for (Map.Entry<String, Object> e : ((Map<String, Object>) a.get("prefix")).entrySet()) {
                long n = EtcdHttp.countPrefix(Actions.endpoint(run), e.getKey(), CALL);
                if (n != ((Number) e.getValue()).longValue()) {
                    return fail(e.getValue() + " key(s) under " + e.getKey(), n);
                }
            }
        }
        if (Boolean.TRUE.equals(a.get("converged"))) {
            Optional<String> divergence = Recovery.divergence(run.lab, CALL);
            if (divergence.isPresent()) {
                return fail("every member at the highest revision any reports, with the same key-space hash",
                        divergence.get());
            }
        }
        if (a.containsKey("alarm")) {
            List<EtcdHttp.Alarm> alarms;
            try {
                alarms = Recovery.alarms(run.lab);
            } catch (RuntimeException e) {
                return fail("alarm " + a.get("alarm"), "no answer: " + e.getMessage());
            }
            boolean nospace = alarms.stream().anyMatch(x -> x.alarm().equals("NOSPACE"));
            if (nospace != a.get("alarm").equals("nospace")) {
                return fail("alarm " + a.get("alarm"), alarms.isEmpty() ? "no alarm" : String.join(", ", alarms
                        .stream().map(x -> x.alarm() + " on " + Long.toHexString(x.memberId())).toList()));
            }
        }
        if (a.containsKey("revision-at-least") || a.containsKey("db-size-under")) {
            long revision = 0;
            List<String> sizes = new ArrayList<>();
            long over = 0;
            long limit = a.containsKey("db-size-under") ? lab.spec.EtcdSettings.bytes((String) a.get("db-size-under"))
                    : Long.MAX_VALUE;
            for (NodeState n : run.lab.state().members()) {
                if (n.process() == NodeState.Process.RUNNING) {
                    try {
                        MemberStatus st = EtcdHttp.status(n.clientUrl(), CALL);
                        revision = Math.max(revision, st.revision());
                        sizes.add(n.name() + " " + Recovery.size(st.dbSize()));
                        over += st.dbSize() >= limit ? 1 : 0;
                    } catch (RuntimeException e) {
                        sizes.add(n.name() + " unreachable");
                    }
                }
            }
            if (a.containsKey("revision-at-least") && revision < (Integer) a.get("revision-at-least")) {
                return fail("revision at least " + a.get("revision-at-least"), "revision " + revision);
            }
            if (over > 0) {
                return fail("every member's backend under " + Recovery.size(limit), String.join(", ",
                        sizes));
            }
        }
        if (a.containsKey("writable")) {
            boolean want = (Boolean) a.get("writable");
            boolean writable = writable(run);
            if (writable != want) {
                return fail(want ? "a linearizable write to succeed" : "writes to fail",
                        writable ? "a write succeeded" : "no member accepted a write (" + s.summary() + ")");
            }
        }
        return Optional.empty();
    }

    private static boolean writable(Run run) {
        for (String ep : run.lab.clientEndpoints()) {
            try {
                EtcdHttp.put(ep, "/lab/writable", Long.toString(System.nanoTime()), Duration.ofSeconds(1));
                return true;
            } catch (RuntimeException e) {
                // try the next member
            }
        }
        return false;
    }

    private static List<String> names(List<Member> members) {
        return members.stream().map(m -> m.name().isEmpty() ? Long.toHexString(m.id()) : m.name()).toList();
    }

    private static Optional<String> fail(Object expected, Object observed) {
        return Optional.of("expected " + expected + ", observed " + observed);
    }
}
