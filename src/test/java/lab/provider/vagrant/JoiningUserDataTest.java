package lab.provider.vagrant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import lab.render.LabRenderer;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.junit.jupiter.api.Test;

/** The user-data a VM added at run time boots with: the members' own, joining the cluster as it is now. */
class JoiningUserDataTest {
    static final String CLUSTER = "core-01=http://172.17.8.101:2380,core-04=http://172.17.8.104:2380";
    static final Map<String, String> JOIN = Map.of("ETCD_INITIAL_CLUSTER", CLUSTER, "ETCD_INITIAL_CLUSTER_STATE",
            "existing");

    static String memberUserData(String profile) {
        var spec = SpecLoader.parse("lab.yaml", "profile: " + profile + "\nnodes: 1\n", Overrides.none()).spec();
        return LabRenderer.render(spec).userData("core-01");
    }

    @Test
    void flatcarJoinsThroughTheEtcdDropIn() {
        String before = memberUserData("flatcar");
        String after = VagrantBackend.joining(before, JOIN);
        assertTrue(after.contains("Environment=\"ETCD_INITIAL_CLUSTER=" + CLUSTER + "\"\n"), after);
        assertTrue(after.contains("Environment=\"ETCD_INITIAL_CLUSTER_STATE=existing\"\n"), after);
        assertEquals(before.lines().count(), after.lines().count(), "only those two lines change");
        assertTrue(after.contains("Environment=\"ETCD_INITIAL_CLUSTER_TOKEN=lab-lab\""), "the token stays");
    }

    @Test
    void coreosJoinsThroughCoreosEtcd2() {
        String after = VagrantBackend.joining(memberUserData("coreos"), JOIN);
        assertTrue(after.contains("    initial_cluster: \"" + CLUSTER + "\"\n"), after);
        assertTrue(after.contains("    initial_cluster_state: \"existing\"\n"), after);
        assertTrue(after.contains("    initial_cluster_token: "), "other keys stay: " + after);
    }
}
