package lab.cli;

import java.util.concurrent.Callable;
import lab.render.LabRenderer;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;

@Command(name = "demo", description = "Bring up 3 local members, kill the leader, narrate the election, tear down.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // Until the local provider exists this shows the lab the demo will bring up, and says so.
        var out = spec.commandLine().getOut();
        var lab = SpecLoader.defaults(Overrides.none()).spec();
        var rendered = LabRenderer.render(lab);
        out.println("The demo lab: " + lab.members().size() + " members, profile " + lab.profile().id()
                + ", static bootstrap. Its member user-data:");
        out.println();
        out.println(rendered.userData(lab.members().get(0).name()));
        out.println("The demo will: start these members as etcd processes on loopback, show status, kill the leader,");
        out.println("narrate the election, restart the old leader, show it rejoin, and tear the lab down.");
        out.println("That needs the local provider, which is not built yet: nothing was started.");
        return ExitCode.OK;
    }
}
