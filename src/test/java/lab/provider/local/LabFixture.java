package lab.provider.local;

import lab.provider.Lab;
import lab.provider.Readiness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import lab.provider.NodeState;
import lab.spec.LabSpec;
import lab.spec.Overrides;
import lab.spec.SpecLoader;

/** Real local labs for tests: created in a temporary work directory, always destroyed, with nothing left running. */
final class LabFixture implements AutoCloseable {
    final Path work;
    final List<Lab> labs = new ArrayList<>();
    final List<String> log = new ArrayList<>();

    LabFixture(Path work) {
        this.work = work;
    }

    Lab up(String name, String yaml) {
        LabSpec spec = SpecLoader.parse("lab.yaml", "name: " + name + "\n" + yaml, Overrides.none()).spec();
        Lab lab = Lab.create(work, spec, null, log::add);
        labs.add(lab);
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        return lab;
    }

    Lab up(String name, int members) {
        return up(name, "nodes: " + members + "\n");
    }

    /** The PIDs (with start times) of every process the labs ever recorded, daemon included. */
    static List<long[]> processes(Lab lab) {
        List<long[]> out = new ArrayList<>();
        for (NodeState n : lab.state().nodes()) {
            out.add(new long[] {n.pid(), n.startedAt()});
        }
        out.add(new long[] {lab.state().daemonPid(), lab.state().daemonStartedAt()});
        return out;
    }

    @Override
    public void close() {
        for (Lab l : labs) {
            try {
                Lab.open(work, l.state().name(), s -> { }).destroy();
            } catch (RuntimeException e) {
                // already down
            }
        }
    }
}
