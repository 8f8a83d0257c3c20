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
        if (lab.state().provider() != ProviderKind.LOCAL) {
            throw new BadInputException("fleet runs on the local provider so far: on " + lab.state().provider().id()
                    + " nodes its units would have to run inside the nodes, which is not built yet");
        }
        lab.daemon().fleet();
        List<String> live = lab.liveEndpoints();
        if (live.isEmpty()) {
            throw new EnvironmentException("no member of lab \"" + lab.state().name() + "\" runs: fleet keeps its "
                    + "registry in etcd");
        }
        return new FleetRegistry(live.get(0));
    }
}
