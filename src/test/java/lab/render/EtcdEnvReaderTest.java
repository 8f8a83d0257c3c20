package lab.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.junit.jupiter.api.Test;

/** The stand-ins read etcd's settings out of user-data as the node's own coreos-cloudinit would. */
class EtcdEnvReaderTest {
    static String memberUserData(String profile) {
        var spec = SpecLoader.parse("lab.yaml", "profile: " + profile + "\nnodes: 3\n", Overrides.none()).spec();
        return LabRenderer.render(spec).userData("core-01");
    }

    @Test
    void flatcarReadsOnlyDropInsWrittenAsCoreosCloudinitDeclaresThem() {
        String ok = memberUserData("flatcar");
        assertEquals("core-01", EtcdEnvReader.read(ok, "172.17.8.101", "core-01").env().get("ETCD_NAME"));
        // Flatcar's coreos-cloudinit ignores "drop-ins": a node booted from it gets none of these settings
        NodeEtcd ignored = EtcdEnvReader.read(ok.replace("drop_ins:", "drop-ins:"), "172.17.8.101", "core-01");
        assertEquals(NodeEtcd.Kind.MEMBER, ignored.kind());
        assertEquals(java.util.Map.of(), ignored.env());
    }

    @Test
    void classicCoreosTakesEitherSpellingAsItsCloudinitConvertedKeys() {
        String ok = memberUserData("coreos");
        String hyphens = ok.replace("initial_cluster_state:", "initial-cluster-state:");
        assertEquals("new", EtcdEnvReader.read(ok, "172.17.8.101", "core-01").env().get("ETCD_INITIAL_CLUSTER_STATE"));
        assertEquals("new", EtcdEnvReader.read(hyphens, "172.17.8.101", "core-01").env()
                .get("ETCD_INITIAL_CLUSTER_STATE"));
    }
}
