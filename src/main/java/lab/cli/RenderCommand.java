package lab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lab.render.LabRenderer;
import lab.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "render", description = "Write the Vagrantfile and the cloud-config user-data of a lab.")
final class RenderCommand extends LabVerb implements Callable<Integer> {
    @Mixin
    SpecOptions specOptions;

    @Option(names = "--out", paramLabel = "D", defaultValue = ".",
            description = "Output directory: D/vagrant/Vagrantfile and D/user-data/<role>.yaml (default: .).")
    Path out;

    @Override
    public Integer call() {
        SpecLoader.Loaded loaded = specOptions.load(top.workDir());
        loaded.warnings().forEach(w -> spec.commandLine().getErr().println(w));
        Path dir = top.workDir().resolve(out).normalize();
        lab.pki.Pki pki = null;
        if (loaded.spec().security().tls()) {
            // a CA of the rendering's own, each member's certificate into its user-data, the keys in D/pki (0600)
            pki = lab.pki.Pki.create(dir.resolve("pki").toAbsolutePath(), loaded.spec().name());
            for (lab.spec.NodeSpec n : loaded.spec().nodes()) {
                pki.issueNode(n.name(), n.address());
            }
        }
        for (Path p : LabRenderer.write(LabRenderer.render(loaded.spec(), pki), dir)) {
            spec.commandLine().getOut().println("wrote " + SpecOptions.display(top.workDir(), p));
        }
        return ExitCode.OK;
    }
}
