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
        if (loaded.spec().security().tls()) {
            throw new lab.spec.BadInputException("lab render writes what VMs boot with, and VMs do not get a TLS lab's "
                    + "certificates in their user-data yet: security: {tls: true} runs on the local and netns "
                    + "providers (README, \"TLS\")");
        }
        for (Path p : LabRenderer.write(LabRenderer.render(loaded.spec()), dir)) {
            spec.commandLine().getOut().println("wrote " + SpecOptions.display(top.workDir(), p));
        }
        return ExitCode.OK;
    }
}
