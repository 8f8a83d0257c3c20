package lab.fleet;

import java.util.List;
import lab.provider.Lab;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.ProviderKind;

/** fleet on a running lab: makes its daemon run the engine and agents, and opens the registry through a member. */
public final class LabFleet {
    private LabFleet() {
    }

    public static FleetRegistry registry(Lab lab) {
        if (lab.state().provider() == ProviderKind.VAGRANT) {
            throw new BadInputException("fleet on Vagrant VMs is not built yet (fleetctl over SSH on CoreOS boxes, "
                    + "systemd units on Flatcar); it runs on the local and netns providers");
        }
        lab.daemon().fleet();
        List<String> live = lab.liveEndpoints();
        if (live.isEmpty()) {
            throw new EnvironmentException("no member of lab \"" + lab.state().name() + "\" runs: fleet keeps its "
                    + "registry in etcd");
        }
        return new FleetRegistry(live.get(0));
    }

    /** Live machine ID to node name, by the address each agent registered for its machine. */
    public static java.util.Map<String, String> nodesByMachine(Lab lab, java.util.Map<FleetMachine, String> machines) {
        java.util.Map<String, String> out = new java.util.HashMap<>();
        machines.forEach((m, ip) -> lab.state().nodes().stream().filter(n -> n.address().equals(ip)).findFirst()
                .ifPresent(n -> out.put(m.id(), n.name())));
        return out;
    }
}
