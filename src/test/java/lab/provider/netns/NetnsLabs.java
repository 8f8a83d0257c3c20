package lab.provider.netns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.provider.Lab;
import lab.provider.NodeState;
import lab.provider.Processes;
import lab.provider.Readiness;
import lab.spec.LabSpec;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import lab.transport.LocalTransport;
import org.junit.jupiter.api.Assumptions;

/** Netns labs for tests, and the proof that `lab down` left nothing of them on this machine. */
final class NetnsLabs {
    private NetnsLabs() {
    }

    static Lab up(Path work, String name, String subnet, int members) {
        Assumptions.assumeTrue(HostNetwork.isRoot(), "the netns provider needs root (CI runs as root)");
        LabSpec spec = SpecLoader.parse("lab.yaml", "name: " + name + "\nprovider: netns\nsubnet: " + subnet
                + "\nnodes: " + members + "\n", Overrides.none()).spec();
        Lab lab = Lab.create(work, spec, null, s -> { });
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        return lab;
    }

    /** Everything a lab created: its layout, and every PID it recorded (etcd, daemon, sshd). */
    record Footprint(NetnsLayout layout, List<long[]> processes) {
    }

    static Footprint footprint(Lab lab) {
        NetnsLayout l = NetnsBackend.layout(lab.dir());
        List<long[]> p = new ArrayList<>();
        for (NodeState n : lab.state().nodes()) {
            p.add(new long[] {n.pid(), n.startedAt()});
        }
        l.nodes().forEach(n -> p.add(new long[] {n.sshdPid(), n.sshdStartedAt()}));
        p.add(new long[] {lab.state().daemonPid(), lab.state().daemonStartedAt()});
        return new Footprint(l, p);
    }

    static void downAndAssertGone(Lab lab) {
        if (lab == null) {
            return;
        }
        Footprint f = footprint(lab);
        Lab.open(lab.dir().root().getParent().getParent(), lab.state().name(), s -> { }).destroy();
        assertGone(f, lab.dir().root());
    }

    static void assertGone(Footprint f, Path labRoot) {
        LocalTransport sh = new LocalTransport(Map.of());
        String netns = sh.exec("ip netns list", Duration.ofSeconds(5)).stdout();
        String links = sh.exec("ip -o link show", Duration.ofSeconds(5)).stdout();
        for (NetnsLayout.NodeNet n : f.layout().nodes()) {
            assertFalse(netns.contains(n.namespace()), "namespace " + n.namespace() + " is gone");
            assertFalse(links.contains(n.veth()), "veth " + n.veth() + " is gone");
        }
        assertFalse(links.contains(f.layout().bridge()), "bridge " + f.layout().bridge() + " is gone");
        for (long[] p : f.processes()) {
            assertFalse(Processes.alive(p[0], p[1]), "process " + p[0] + " is gone");
        }
        assertFalse(sh.exec("ip -4 route", Duration.ofSeconds(5)).stdout().contains(f.layout().bridge()),
                "no route to the lab subnet is left");
        assertFalse(Files.exists(labRoot), labRoot + " is removed");
        assertEquals(f.layout().nodes().size(), f.layout().nodes().stream().filter(n -> n.sshdPid() > 0).count(),
                "every node had an sshd to stop");
    }
}
