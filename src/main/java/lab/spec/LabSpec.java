package lab.spec;

import java.util.List;
import java.util.Optional;

/**
 * The declarative description of one lab, resolved: every node has its name, role and address.
 *
 * @param source the file it came from ({@code <defaults>} when none), for messages
 */
public record LabSpec(String name, ProviderKind provider, Profile profile, Bootstrap bootstrap, Subnet subnet,
                      List<NodeSpec> nodes, EtcdSettings etcd, UpdateSettings update, Firewall firewall,
                      List<String> sshAuthorizedKeys, VmSettings vm, FleetSettings fleet, String source,
                      Security security) {

    public LabSpec {
        nodes = List.copyOf(nodes);
        sshAuthorizedKeys = List.copyOf(sshAuthorizedKeys);
    }

    public List<NodeSpec> members() {
        return withRole(Role.MEMBER);
    }

    public List<NodeSpec> withRole(Role role) {
        return nodes.stream().filter(n -> n.role() == role).toList();
    }

    public Optional<NodeSpec> node(String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /** Members tolerate this many failures: a majority of ⌊n/2⌋+1 must stay. */
    public int faultTolerance() {
        return (members().size() - 1) / 2;
    }
}
