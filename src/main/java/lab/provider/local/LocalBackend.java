package lab.provider.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.net.LinkRules;
import lab.provider.Lab;
import lab.provider.LabDir;
import lab.provider.LabState;
import lab.provider.NodeBackend;
import lab.provider.NodeState;
import lab.provider.Processes;
import lab.render.NodeEtcd;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;

/**
 * The local provider: every node's etcd is a process of this machine on its own loopback address (127.B.x.y), its
 * peer port behind the lab daemon's proxy, which applies the network faults. No root needed.
 */
public final class LocalBackend implements NodeBackend {

    @Override
    public int reserve(Path workDir, LabSpec spec, Integer block) {
        EtcdLaunch.etcdBinary(); // a missing etcd is said before anything starts
        return Blocks.claim(workDir, spec, block).block();
    }

    @Override
    public String address(LabState s, String specAddress) {
        return new LocalAddresses(s.block()).map(specAddress);
    }

    @Override
    public String daemonHost(LabState s) {
        return "127." + s.block() + ".0.1";
    }

    @Override
    public void prepare(Lab lab, LabSpec spec) {
        // loopback addresses need no preparation
    }

    @Override
    public Processes.Started startEtcd(Lab lab, NodeState n, NodeEtcd etcd, Map<String, String> extraEnv) {
        LabState s = lab.state();
        LocalAddresses addresses = new LocalAddresses(s.block());
        List<String> known = new ArrayList<>(s.nodes().stream().map(NodeState::specAddress).toList());
        known.add(s.hostSpecAddress());
        Map<String, String> env = EtcdLaunch.env(etcd, addresses, known, lab.dir().dataDir(n.name()).toString());
        EtcdLaunch.localCerts(env, lab.dir().root().resolve("pki").toAbsolutePath(), n.name());
        env.putAll(extraEnv);
        List<String> cmd = EtcdLaunch.command(etcd.kind(), env);
        if (etcd.kind() == NodeEtcd.Kind.GATEWAY) {
            env.clear();
        }
        String busy = LocalAddresses.firstInUse(List.of(n.address()), 2379);
        if (busy != null) {
            throw new EnvironmentException(busy + " is already in use by another program; stop it or run this lab "
                    + "under another --name (it gets another address block)");
        }
        return Processes.start(EtcdLaunch.titled(cmd, lab.state().name(), n.name()), env, lab.dir().log(n.name()));
    }

    @Override
    public void kill(Lab lab, NodeState n) {
        Processes.kill(n.pid(), n.startedAt());
    }

    @Override
    public void stop(Lab lab, NodeState n, Duration grace) {
        Processes.stop(n.pid(), n.startedAt(), grace);
    }

    @Override
    public void signal(Lab lab, NodeState n, String signal) {
        Processes.signal(n.pid(), n.startedAt(), signal);
    }

    @Override
    public boolean alive(Lab lab, NodeState n) {
        return Processes.alive(n.pid(), n.startedAt());
    }

    /** Local nodes are this machine: the command runs here, in the lab's directory, with the node's variables. */
    @Override
    public lab.transport.ExecResult exec(Lab lab, NodeState n, String command, Map<String, String> env,
                                         java.time.Duration timeout) {
        return new lab.transport.LocalTransport(env).exec(command, timeout);
    }

    @Override
    public void deleteData(Lab lab, NodeState n) {
        LabDir.deleteTree(lab.dir().dataDir(n.name()));
    }

    @Override
    public LinkRules rules(Lab lab) {
        return lab.daemon().rules();
    }

    @Override
    public void rules(Lab lab, LinkRules r) {
        lab.daemon().rules(r);
    }

    @Override
    public void destroy(LabDir dir, LabState s) {
        // everything at once: a throwaway lab needs no graceful shutdown (lab node stop has one)
        Processes.killAll(s.nodes().stream().map(n -> new long[] {n.pid(), n.startedAt()}).toList());
        List<long[]> units = new ArrayList<>();
        for (NodeState n : s.nodes()) {
            units.addAll(lab.fleet.ProcessUnitRunner.recorded(dir.nodeDir(n.name()).resolve("units")));
        }
        Processes.killGroups(units);
        Blocks.release(dir.root(), s.block());
    }

    @Override
    public java.util.Optional<Path> hostDataDir(Lab lab, NodeState n) {
        return java.util.Optional.of(lab.dir().dataDir(n.name()).toAbsolutePath());
    }
}
