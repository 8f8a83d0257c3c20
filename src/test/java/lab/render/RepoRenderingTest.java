package lab.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import lab.spec.LabSpec;
import lab.spec.Overrides;
import lab.spec.Profile;
import lab.spec.SpecLoader;
import org.junit.jupiter.api.Test;

/**
 * The repository's vagrant/ and user-data/ are what `cd vagrant && vagrant up` boots: they must be exactly the
 * rendering of the repository's lab.yaml, which must be the default lab (3 members, flatcar). After changing the
 * renderer, run `./lab render` at the top of the repository and commit the result.
 */
class RepoRenderingTest {
    private static final Path REPO = Path.of(System.getProperty("lab.repo", ".")).toAbsolutePath().normalize();

    @Test
    void repoLabIsTheDefaultLab() {
        LabSpec spec = SpecLoader.load(REPO.resolve("lab.yaml"), "lab.yaml", Overrides.none()).spec();
        assertEquals(3, spec.members().size());
        assertEquals(3, spec.nodes().size());
        assertEquals(Profile.FLATCAR, spec.profile());
        LabSpec dflt = SpecLoader.defaults(Overrides.none()).spec();
        assertEquals(dflt.nodes().stream().map(RepoRenderingTest::shape).toList(),
                spec.nodes().stream().map(RepoRenderingTest::shape).toList());
        assertEquals(dflt.etcd(), spec.etcd());
        assertEquals(dflt.update(), spec.update());
        assertEquals(dflt.firewall(), spec.firewall());
        assertEquals(dflt.subnet(), spec.subnet());
        assertEquals(dflt.bootstrap(), spec.bootstrap());
    }

    private static String shape(lab.spec.NodeSpec n) {
        return n.name() + " " + n.role() + " " + n.address() + " " + n.metadata() + " " + n.memoryMb() + " " + n.cpus();
    }

    @Test
    void committedVagrantfileAndUserDataAreCurrent() throws IOException {
        LabSpec spec = SpecLoader.load(REPO.resolve("lab.yaml"), "lab.yaml", Overrides.none()).spec();
        Map<String, String> committed = new TreeMap<>();
        GoldenRenderTest.read(REPO.resolve("vagrant")).forEach((k, v) -> committed.put("vagrant/" + k, v));
        GoldenRenderTest.read(REPO.resolve("user-data")).forEach((k, v) -> committed.put("user-data/" + k, v));
        committed.remove("vagrant/.gitignore");
        assertEquals(new TreeMap<>(LabRenderer.render(spec).files()), committed,
                "vagrant/ or user-data/ drifted from `lab render`: run ./lab render at the repository top and commit");
    }
}
