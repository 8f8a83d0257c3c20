package lab.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import lab.spec.ProviderKind;
import lab.spec.Role;

/**
 * A running lab as recorded in {@code .lab/<name>/state.json}: enough to find, fault and tear down every process
 * of it after the CLI or the daemon was killed.
 *
 * @param block the second octet of the lab's loopback addresses (127.block.x.y)
 * @param hostSpecAddress the host's address on the lab network (the subnet's .1), where discovery is served
 * @param discovery whether the members bootstrap through the lab's discovery service
 * @param userData the rendered user-data of each node, by node name, as the nodes booted with it
 */
public record LabState(String name, ProviderKind provider, String specSource, int block, String hostSpecAddress,
                       boolean discovery, List<NodeState> nodes,
                       java.util.Map<String, String> userData, long daemonPid, long daemonStartedAt, int daemonPort) {

    public LabState {
        nodes = List.copyOf(nodes);
        userData = java.util.Map.copyOf(userData);
    }

    public Optional<NodeState> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Nodes that are (or were) voting members or learners, and have not been removed. */
    public List<NodeState> members() {
        return nodes.stream().filter(n -> n.role() == Role.MEMBER && n.process() != NodeState.Process.REMOVED)
                .toList();
    }

    public LabState with(NodeState changed) {
        List<NodeState> out = new ArrayList<>();
        boolean found = false;
        for (NodeState n : nodes) {
            if (n.name().equals(changed.name())) {
                out.add(changed);
                found = true;
            } else {
                out.add(n);
            }
        }
        if (!found) {
            out.add(changed);
        }
        return new LabState(name, provider, specSource, block, hostSpecAddress, discovery, out, userData, daemonPid, daemonStartedAt, daemonPort);
    }

    public LabState withDaemon(long pid, long startedAt, int port) {
        return new LabState(name, provider, specSource, block, hostSpecAddress, discovery, nodes, userData, pid, startedAt, port);
    }

    /** The nodes' addresses as this machine reaches them, compactly: 127.17.8.101-103, or a list. */
    public String addressRange() {
        List<String> a = nodes.stream().map(NodeState::address).toList();
        if (a.isEmpty()) {
            return "";
        }
        String prefix = a.get(0).substring(0, a.get(0).lastIndexOf('.') + 1);
        if (a.size() > 1 && a.stream().allMatch(x -> x.startsWith(prefix))) {
            List<Integer> last = a.stream().map(x -> Integer.parseInt(x.substring(prefix.length()))).sorted().toList();
            if (last.get(last.size() - 1) - last.get(0) == last.size() - 1) {
                return prefix + last.get(0) + "-" + last.get(last.size() - 1);
            }
        }
        return String.join(", ", a);
    }

    /** The state without the node (a member whose addition was undone). */
    public LabState without(String node) {
        return new LabState(name, provider, specSource, block, hostSpecAddress, discovery,
                nodes.stream().filter(n -> !n.name().equals(node)).toList(), userData, daemonPid, daemonStartedAt,
                daemonPort);
    }

    public LabState withUserData(String node, String text) {
        java.util.Map<String, String> m = new java.util.HashMap<>(userData);
        m.put(node, text);
        return new LabState(name, provider, specSource, block, hostSpecAddress, discovery, nodes, m, daemonPid, daemonStartedAt, daemonPort);
    }
}
