package lab.provider;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import lab.machine.Machine;
import lab.net.LinkRules;
import lab.transport.ExecResult;
import lab.transport.Shell;

/**
 * What every provider whose nodes are reached over SSH (netns, vagrant) does the same way: etcd faults through the
 * node's machine profile, network faults as iptables rules on the nodes ({@link SshFaults}).
 */
public abstract class SshNodeBackend implements NodeBackend {

    /** Nodes on their own network (namespaces, VMs) have the spec's addresses themselves. */
    @Override
    public String address(LabState s, String specAddress) {
        return specAddress;
    }

    /** The host's address on the lab network (the bridge's, or the VMs' host-only network's): the subnet's .1. */
    @Override
    public String daemonHost(LabState s) {
        return s.hostSpecAddress();
    }

    /** The node over SSH; one session per node, kept while this backend lives. */
    public abstract Machine machine(Lab lab, String node);

    @Override
    public void kill(Lab lab, NodeState n) {
        if (n.hasEtcd()) {
            machine(lab, n.name()).kill();
        }
    }

    @Override
    public void stop(Lab lab, NodeState n, Duration grace) {
        if (n.hasEtcd()) {
            machine(lab, n.name()).stop(grace);
        }
    }

    @Override
    public void signal(Lab lab, NodeState n, String signal) {
        machine(lab, n.name()).signal(signal);
    }

    /** On the node itself, over its SSH session, with the variables exported in front of the command. */
    @Override
    public ExecResult exec(Lab lab, NodeState n, String command, Map<String, String> env,
                                         Duration timeout) {
        StringBuilder b = new StringBuilder();
        new TreeMap<>(env).forEach((k, v) -> b.append("export ").append(k).append('=')
                .append(Shell.quote(v)).append("; "));
        return machine(lab, n.name()).transport().exec(b + command, timeout);
    }

    @Override
    public void deleteData(Lab lab, NodeState n) {
        machine(lab, n.name()).wipe();
    }

    @Override
    public LinkRules rules(Lab lab) {
        return SshFaults.rules(lab.dir());
    }

    @Override
    public void rules(Lab lab, LinkRules r) {
        SshFaults.apply(lab, r, node -> machine(lab, node));
    }
}
