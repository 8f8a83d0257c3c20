package lab.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import lab.cloudconfig.CloudConfigValidator;
import lab.cloudconfig.Version;
import lab.spec.LabSpec;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * For 1, 3, 5 and 7 members, with and without proxies and workers, on both profiles: the rendered Vagrantfile
 * passes Ruby's syntax check and Debian's real `vagrant validate` (all but the provider blocks), and every user-data file passes the cloud-config
 * validator with no finding at all. Vagrant runs with its own VAGRANT_HOME so nothing of the user's is touched.
 */
class VagrantValidateIT {
    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> everyShapeRendersToAValidVagrantLab() {
        List<DynamicTest> tests = new ArrayList<>();
        for (String profile : List.of("flatcar", "coreos")) {
            for (int members : List.of(1, 3, 5, 7)) {
                for (boolean extras : List.of(false, true)) {
                    String name = profile + "-" + members + (extras ? "-with-proxies-and-workers" : "");
                    String yaml = "name: " + name.replace("-with-proxies-and-workers", "-x") + "\nprofile: " + profile
                            + "\nnodes: " + members + "\n" + (extras ? "firewall: {enabled: true}\ngroups:\n"
                            + "  - {role: proxy, count: 2}\n  - {role: worker, count: 2, metadata: "
                            + "\"role=worker,instancetype=r3\"}\n" : "");
                    tests.add(DynamicTest.dynamicTest(name, () -> check(name, yaml)));
                }
            }
        }
        return tests.stream();
    }

    private static void check(String name, String yaml) throws Exception {
        LabSpec spec = SpecLoader.parse(name + ".yaml", yaml, Overrides.none()).spec();
        Path out = tmp.resolve(name);
        LabRenderer.Rendered r = LabRenderer.render(spec);
        LabRenderer.write(r, out);
        CloudConfigValidator validator = new CloudConfigValidator(Version.V1_13);
        r.files().forEach((path, text) -> {
            if (path.startsWith("user-data/")) {
                assertEquals(List.of(), validator.validate(text).entries(), path);
            }
        });
        Path vagrantDir = out.resolve("vagrant");
        ProcessResult ruby = run(vagrantDir, "ruby", "-c", "Vagrantfile");
        assertEquals(0, ruby.getExitValue(), ruby.outputUTF8());
        // --ignore-provider: the provider blocks are VirtualBox's, and no VM provider can be installed here (VirtualBox is
        // not in Debian); everything else of the Vagrantfile is validated, as it was with a default provider.
        ProcessResult validate = run(vagrantDir, "vagrant", "validate", "--ignore-provider");
        assertEquals(0, validate.getExitValue(), validate.outputUTF8());
        assertTrue(validate.outputUTF8().contains("Vagrantfile validated successfully"), validate.outputUTF8());
        // The Vagrantfile made the lab's own key pair on first load, private part readable by the owner only.
        Path key = out.resolve(".lab").resolve(spec.name()).resolve("ssh/id_ed25519");
        assertTrue(Files.isRegularFile(key) && Files.isRegularFile(Path.of(key + ".pub")), "lab key at " + key);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(key)));
    }

    private static ProcessResult run(Path dir, String... command) throws IOException, InterruptedException,
            java.util.concurrent.TimeoutException {
        return new ProcessExecutor().command(command).directory(dir.toFile())
                .environment("VAGRANT_HOME", tmp.resolve("vagrant-home").toString())
                .environment("VAGRANT_CHECKPOINT_DISABLE", "1")
                .redirectErrorStream(true).readOutput(true).timeout(120, TimeUnit.SECONDS).execute();
    }
}
