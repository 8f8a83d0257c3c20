package lab.spec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Hands out names and addresses the way coreos-vagrant does: {@code core-01}, {@code core-02}, ... and
 * 172.17.8.101, .102, ... in declaration order, skipping whatever a node claimed explicitly.
 */
final class NodeLayout {
    private final Subnet subnet;
    private final Problems problems;
    private final long first;
    private final Set<String> usedNames = new HashSet<>();
    private final Set<Long> usedAddresses = new HashSet<>();
    private long cursor;
    private boolean full;

    NodeLayout(String file, Subnet subnet, String firstAddress, Pos firstPos, Problems problems) {
        this.subnet = subnet;
        this.problems = problems;
        long dflt = subnet.size() > 102 ? subnet.at(101) : subnet.at(2);
        long f = dflt;
        if (firstAddress != null) {
            Optional<Long> parsed = Ipv4.parse(firstAddress);
            if (parsed.isEmpty() || !subnet.contains(parsed.get())) {
                problems.error(firstPos, "first-address \"" + firstAddress + "\" is not an address inside subnet "
                        + subnet);
            } else {
                f = parsed.get();
            }
        }
        this.first = f;
        this.cursor = f;
    }

    List<NodeSpec> resolve(List<NodeDecl> decls) {
        for (NodeDecl d : decls) {
            if (d.name() != null) {
                usedNames.add(d.name());
            }
            if (d.address() != null) {
                explicitAddress(d).ifPresent(usedAddresses::add);
            }
        }
        List<NodeSpec> out = new ArrayList<>();
        for (NodeDecl d : decls) {
            for (int i = 0; i < d.count(); i++) {
                String name = d.name() != null ? d.name() : nextName(d.prefix());
                String address = d.address() != null ? d.address() : nextAddress(d.pos());
                out.add(new NodeSpec(name, d.role(), address, d.metadata(), d.memoryMb(), d.cpus(), d.pos()));
            }
        }
        return out;
    }

    private Optional<Long> explicitAddress(NodeDecl d) {
        Optional<Long> a = Ipv4.parse(d.address());
        if (a.isEmpty()) {
            problems.error(d.addressPos(), "address \"" + d.address() + "\" is not an IPv4 address");
        } else if (!subnet.contains(a.get())) {
            problems.error(d.addressPos(), "address " + d.address() + " is outside the lab subnet " + subnet);
        } else if (a.get() == subnet.network() || a.get() == subnet.broadcast()) {
            problems.error(d.addressPos(), "address " + d.address() + " is the network or broadcast address of "
                    + subnet);
        } else if (a.get() == subnet.hostAddress()) {
            problems.error(d.addressPos(), "address " + d.address() + " is the host's own address on the lab network "
                    + "(VirtualBox host-only adapter, netns bridge); pick another");
        }
        return a;
    }

    private String nextName(String prefix) {
        for (int n = 1; ; n++) {
            String candidate = String.format("%s-%02d", prefix, n);
            if (usedNames.add(candidate)) {
                return candidate;
            }
        }
    }

    private String nextAddress(Pos pos) {
        while (cursor < subnet.broadcast() && (usedAddresses.contains(cursor) || cursor == subnet.hostAddress())) {
            cursor++;
        }
        if (cursor >= subnet.broadcast()) {
            if (!full) {
                problems.error(pos, "subnet " + subnet + " has no room left for this node (addresses from "
                        + Ipv4.format(first) + " up are handed out in order)");
                full = true;
            }
            return Ipv4.format(subnet.broadcast());
        }
        usedAddresses.add(cursor);
        return Ipv4.format(cursor++);
    }
}
