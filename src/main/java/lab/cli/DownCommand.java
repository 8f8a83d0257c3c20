package lab.cli;

import java.util.concurrent.Callable;
import lab.provider.LabDir;
import lab.provider.Lab;
import picocli.CommandLine.Command;

@Command(name = "down", description = "Stop and remove everything of a lab (works after anything was killed).")
final class DownCommand extends RunningLabVerb implements Callable<Integer> {
    @Override
    public Integer call() {
        String name = labOptions.labName(top.workDir());
        var out = spec.commandLine().getOut();
        if (!new LabDir(top.workDir(), name).exists()) {
            out.println("no lab \"" + name + "\" here: nothing to do");
            return ExitCode.OK;
        }
        Lab lab = Lab.open(top.workDir(), name, out::println);
        int processes = (int) lab.state().nodes().stream().filter(n -> n.pid() > 0).count();
        lab.destroy();
        out.println("lab \"" + name + "\" is down: " + processes + " process(es) and the daemon stopped, "
                + SpecOptions.display(top.workDir(), lab.dir().root()) + " removed");
        return ExitCode.OK;
    }
}
