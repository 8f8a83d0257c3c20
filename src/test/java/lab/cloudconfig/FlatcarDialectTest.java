package lab.cloudconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * --cloudinit flatcar: current Flatcar's coreos-cloudinit reads keys only as declared, with '_', and drops the rest
 * (flatcar/coreos-cloudinit 1bbfd30); the 1.13 and 1.14 validators convert them first and find nothing.
 */
class FlatcarDialectTest {
    static final String HYPHENATED = """
            #cloud-config
            coreos:
              update:
                reboot-strategy: "off"
              units:
                - name: etcd-member.service
                  command: start
                  drop-ins:
                    - name: 20-lab.conf
                      content: |
                        [Service]
                        Environment=ETCD_NAME=core-01
            """;

    @Test
    void aHyphenatedKeyIsAnErrorNamingTheKeyFlatcarReads() {
        Report r = new CloudConfigValidator(Version.FLATCAR).validate(HYPHENATED);
        assertEquals(List.of(
                new Entry(Entry.Kind.ERROR, 4, "\"reboot-strategy\" is ignored by Flatcar's coreos-cloudinit, which "
                        + "reads only \"reboot_strategy\" (no '-' to '_' conversion since Flatcar 3975.2.0)"),
                new Entry(Entry.Kind.ERROR, 8, "\"drop-ins\" is ignored by Flatcar's coreos-cloudinit, which reads "
                        + "only \"drop_ins\" (no '-' to '_' conversion since Flatcar 3975.2.0)")), r.entries());
    }

    @Test
    void classicCoreosValidatorsAcceptBothSpellingsAsTheyDid() {
        assertEquals(List.of(), new CloudConfigValidator(Version.V1_13).validate(HYPHENATED).entries());
        assertEquals(List.of(), new CloudConfigValidator(Version.V1_14).validate(HYPHENATED).entries());
        assertEquals(List.of(), new CloudConfigValidator(Version.FLATCAR).validate(HYPHENATED
                .replace("reboot-strategy", "reboot_strategy").replace("drop-ins", "drop_ins")).entries());
    }

    @Test
    void flatcarKeepsTheDeprecationsOf114AndAcceptsMultipartMime() {
        Report r = new CloudConfigValidator(Version.FLATCAR).validate("#cloud-config\ncoreos:\n  etcd2:\n"
                + "    name: x\n");
        assertTrue(r.entries().stream().anyMatch(e -> e.message().startsWith("deprecated key \"etcd2\"")),
                r.entries().toString());
        assertEquals(List.of(), new CloudConfigValidator(Version.FLATCAR).validate("Content-Type: multipart/mixed; "
                + "boundary=\"x\"\nMIME-Version: 1.0\n\n--x\n").entries());
        assertEquals(List.of(new Entry(Entry.Kind.ERROR, 1, "must be \"#cloud-config\", multipart mime or begin "
                + "with \"#!\"")), new CloudConfigValidator(Version.FLATCAR).validate("hello\n").entries());
    }
}
