package lab.provider;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import lab.render.LabRenderer;
import lab.etcd.EtcdException;
import lab.etcd.EtcdHttp;
import lab.etcd.Tls;
import lab.etcd.Member;
import lab.render.NodeEtcd;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.Ipv4;
import lab.spec.Role;
import lab.spec.Subnet;

/**
 * Runtime membership changes, done the way operators grow and repair clusters: add a member through the running
 * cluster, then start it with {@code initial-cluster-state existing}; remove it through the cluster, then stop it.
 */
public final class Membership {
    private static final Duration CALL = Duration.ofSeconds(5);
    static final Duration RECONFIG_WAIT = Duration.ofSeconds(15);
    /** How long a promotion waits for the learner to catch up with the leader. */
    static final Duration CATCH_UP_WAIT = Duration.ofSeconds(30);
    /** etcd's refusals, word for word (etcd api/v3rpc/rpctypes/error.go, v3.4): what clients compare with. */
    static final String UNHEALTHY = "etcdserver: unhealthy cluster";
    static final String NOT_IN_SYNC = "etcdserver: can only promote a learner member which is in sync with leader";

    private Membership() {
    }

    /** The member list as the cluster has it (linearizable), from the first member that answers. */
    public static List<Member> list(Lab lab) {
        EtcdException last = null;
        for (String ep : lab.liveEndpoints()) {
            try {
                return EtcdHttp.members(ep, Duration.ofSeconds(2));
            } catch (EtcdException e) {
                last = e;
            }
        }
        throw new EnvironmentException("no member answered the member list" + (last == null ? " (none runs)"
                : ": " + last.getMessage()));
    }

    /**
     * Adds a member (or learner) named {@code name} (default: the next free core-NN) on the next free address of
     * the lab subnet, and starts it.
     */
    public static String add(Lab lab, String name, boolean learner) {
        String node = name != null ? name : nextName(lab);
        Optional<NodeState> existing = lab.state().node(node);
        if (existing.isPresent() && existing.get().process() != NodeState.Process.REMOVED) {
            throw new BadInputException("node \"" + node + "\" is already in lab \"" + lab.state().name() + "\"");
        }
        String specAddress = existing.map(NodeState::specAddress).orElseGet(() -> nextAddress(lab));
        String address = lab.address(specAddress);
        String peerUrl = (lab.tls() ? "https" : "http") + "://" + address + ":2380";
        // The proxy for the new member's advertised peer URL must exist before anybody dials it.
        lab.update(new NodeState(node, Role.MEMBER, specAddress, address, NodeEtcd.Kind.MEMBER, 0, 0, "",
                true, learner, "", NodeState.Process.STOPPED));
        lab.issueCertificate(lab.node(node));
        lab.registerAuth();
        String first = lab.state().members().get(0).name();
        // the first member's user-data; a TLS lab's with the new member's own certificate and key (a VM boots
        // with them)
        String userData = lab.tls() ? LabRenderer.withOwnCertificate(lab.state().userData().get(first), lab.pki(),
                first, node) : lab.state().userData().get(first);
        lab.mutate(s -> s.withUserData(node, userData));
        lab.daemon().reload();
        List<Member> after;
        try {
            after = call(lab, ep -> EtcdHttp.addMember(ep, peerUrl, learner, CALL));
        } catch (RuntimeException e) {
            // Nothing joined: the lab must not keep a node the cluster does not know.
            lab.mutate(s -> existing.map(s::with).orElseGet(() -> s.without(node)));
            lab.daemon().reload();
            throw e;
        }
        Member added = after.stream().filter(m -> m.peerUrls().contains(peerUrl)).findFirst()
                .orElseThrow(() -> new EnvironmentException("the cluster did not list " + node + " after adding it"));
        String initialCluster = after.stream().map(m -> nameOf(lab, m, node, peerUrl) + "=" + m.peerUrls().get(0))
                .collect(Collectors.joining(","));
        NodeState n = lab.node(node);
        lab.update(new NodeState(node, Role.MEMBER, specAddress, address, n.kind(), 0, 0, Long.toHexString(added.id()),
                true, learner, initialCluster, NodeState.Process.STOPPED));
        lab.start(node);
        lab.log().accept("added " + node + " (" + address + ", id " + Long.toHexString(added.id())
                + (learner ? ", learner" : "") + ") with initial-cluster-state existing");
        return node;
    }

    /** Removes a member through the cluster, then stops it. The last member cannot be removed. */
    public static void remove(Lab lab, String node) {
        NodeState n = lab.node(node);
        if (n.role() != Role.MEMBER || n.process() == NodeState.Process.REMOVED) {
            throw new BadInputException(node + " is not a member of the cluster");
        }
        List<Member> members = list(lab);
        if (members.size() <= 1) {
            throw new BadInputException("cannot remove " + node + ": it is the last member (an etcd cluster needs at "
                    + "least one; `lab down` removes the whole lab)");
        }
        Member m = memberOf(lab, members, n);
        try {
            call(lab, ep -> {
                EtcdHttp.removeMember(ep, m.id(), CALL);
                return null;
            });
        } catch (EtcdException e) {
            // Asked through the member being removed, the removal can commit while that member shuts down before
            // it answers; the next member asked then says it is not found. Gone is what was asked for.
            if (!"etcdserver: member not found".equals(e.etcdError())
                    || list(lab).stream().anyMatch(x -> x.id() == m.id())) {
                throw e;
            }
        }
        lab.stop(node);
        lab.update(lab.node(node).withProcess(0, 0, NodeState.Process.REMOVED));
        lab.daemon().reload();
        lab.log().accept("removed " + node + " (id " + Long.toHexString(m.id()) + ")");
    }

    public static void promote(Lab lab, String node) {
        promote(lab, node, CATCH_UP_WAIT);
    }

    /**
     * Promotes a learner. etcd refuses while the learner is behind the leader ("can only promote a learner member
     * which is in sync with leader": in etcd 3.4 its log must reach 90% of the leader's); a learner that has only
     * just started is, so that refusal is waited out up to {@code catchUp}, as an operator would retry.
     */
    public static void promote(Lab lab, String node, Duration catchUp) {
        NodeState n = lab.node(node);
        Member m = memberOf(lab, list(lab), n);
        if (!m.learner()) {
            throw new BadInputException(node + " is a voting member already, not a learner");
        }
        long t0 = System.nanoTime();
        try {
            call(lab, ep -> {
                EtcdHttp.promoteMember(ep, m.id(), CALL);
                return null;
            }, catchUp, UNHEALTHY, NOT_IN_SYNC);
        } catch (EtcdException e) {
            if (e.etcdError().equals(NOT_IN_SYNC)) {
                throw new EtcdException(node + " did not catch up with the leader within " + catchUp.toSeconds()
                        + " s, so etcd would not promote it (" + e.getMessage() + ")", EtcdException.Kind.REFUSED,
                        e.etcdError(), e);
            }
            throw e;
        }
        double waited = (System.nanoTime() - t0) / 1e9;
        if (waited >= 0.2) {
            lab.log().accept(String.format("%s caught up with the leader after %.2f s", node, waited));
        }
        lab.update(lab.node(node).withMember(Long.toHexString(m.id()), false));
        // etcd 3.4 lists members from the answering member's own view (its member list ignores "linearizable"):
        // wait (up to 5 s; the promotion is committed either way) until every member in service has applied it, so
        // that what the lab shows next is true. A member that does not answer shows nothing stale.
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(() -> lab.clientEndpoints().stream().noneMatch(ep -> {
                        try {
                            return EtcdHttp.members(ep, CALL).stream().anyMatch(x -> x.id() == m.id() && x.learner());
                        } catch (RuntimeException e) {
                            return false;
                        }
                    }));
        } catch (ConditionTimeoutException e) {
            // reported as promoted: the cluster committed it
        }
        lab.log().accept("promoted " + node + " to a voting member");
    }

    /** Remove, wipe, add again under the same name and address with a fresh data directory (a new member id). */
    public static void replace(Lab lab, String node) {
        remove(lab, node);
        lab.deleteData(node);
        add(lab, node, false);
    }

    private static Member memberOf(Lab lab, List<Member> members, NodeState n) {
        String url = Tls.scheme(n.address()) + "://" + n.address() + ":2380";
        return members.stream().filter(m -> m.peerUrls().contains(url)).findFirst()
                .orElseThrow(() -> new BadInputException(n.name() + " is not in the cluster's member list"));
    }

    private static String nameOf(Lab lab, Member m, String newNode, String newPeerUrl) {
        if (m.peerUrls().contains(newPeerUrl)) {
            return newNode;
        }
        if (!m.name().isEmpty()) {
            return m.name();
        }
        String host = m.peerUrls().get(0).replaceAll("^https?://|:\\d+$", "");
        return lab.byAddress(host).map(NodeState::name).orElse(Long.toHexString(m.id()));
    }

    /**
     * Runs a membership call against the first member that answers. etcd's strict reconfiguration check refuses
     * changes ("unhealthy cluster") until every member has been connected for a few seconds (after a restart or a
     * heal); that refusal is waited out, up to {@link #RECONFIG_WAIT}.
     */
    static <T> T call(Lab lab, java.util.function.Function<String, T> f) {
        return call(lab, f, RECONFIG_WAIT, UNHEALTHY);
    }

    /** As {@link #call(Lab, java.util.function.Function)}, waiting out any refusal that names one of {@code waitOn}. */
    private static <T> T call(Lab lab, java.util.function.Function<String, T> f, Duration wait, String... waitOn) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<RuntimeException> last = new AtomicReference<>();
        try {
            // in this thread: a membership call is not abandoned at the deadline while still on its way (a change
            // the lab then rolls back could commit after it)
            Awaitility.await("the cluster to accept a membership change").atMost(wait).pollInSameThread()
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(250)).until(() -> {
                        try {
                            result.set(callOnce(lab, f));
                            return true;
                        } catch (EtcdException e) {
                            last.set(e);
                            if (!List.of(waitOn).contains(e.etcdError())) {
                                throw e;
                            }
                            return false;
                        }
                    });
        } catch (ConditionTimeoutException e) {
            RuntimeException refused = last.get();
            throw refused != null ? refused : new EtcdException("the cluster did not accept the membership change "
                    + "within " + wait.toSeconds() + " s", EtcdException.Kind.TIMEOUT, "", e);
        }
        return result.get();
    }

    /** On the first member that answers; a refusal is the cluster's answer and is not asked again elsewhere. */
    private static <T> T callOnce(Lab lab, java.util.function.Function<String, T> f) {
        EtcdException last = null;
        for (String ep : lab.liveEndpoints()) {
            try {
                return f.apply(ep);
            } catch (EtcdException e) {
                last = e;
                if (!e.tryAnother()) {
                    break;
                }
            }
        }
        if (last == null) {
            throw new EnvironmentException("no member of lab \"" + lab.state().name() + "\" runs to ask for the "
                    + "membership change");
        }
        throw new EtcdException("the cluster refused the membership change: " + last.getMessage(), last.kind(),
                last.etcdError(), last);
    }

    private static String nextName(Lab lab) {
        Set<String> used = lab.state().nodes().stream().map(NodeState::name).collect(Collectors.toSet());
        for (int i = 1; ; i++) {
            String n = String.format("core-%02d", i);
            if (!used.contains(n)) {
                return n;
            }
        }
    }

    private static String nextAddress(Lab lab) {
        Set<Long> used = new HashSet<>();
        lab.state().nodes().forEach(n -> used.add(Ipv4.parse(n.specAddress()).orElseThrow()));
        long first = lab.state().nodes().stream().mapToLong(n -> Ipv4.parse(n.specAddress()).orElseThrow()).min()
                .orElseThrow();
        Subnet s = Subnet.parse(Ipv4.format(first & 0xFFFFFF00L) + "/24").orElseThrow();
        for (long a = first; a < s.broadcast(); a++) {
            if (!used.contains(a)) {
                return Ipv4.format(a);
            }
        }
        throw new EnvironmentException("no free address left next to the lab's nodes for a new member");
    }
}
