package lab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import lab.provider.Lab;
import lab.provider.NodeState;
import lab.provider.Targets;
import lab.provider.netns.NetnsBackend;
import lab.provider.vagrant.VagrantBackend;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.ProviderKind;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.stream.LogOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "ssh", description = {"Log in to a node with the system ssh client, the lab's key and known_hosts: "
        + "lab ssh core-01, or run one command: lab ssh leader -- iptables -S.",
    "Nodes of the netns and vagrant providers have an sshd each; local nodes are processes of this machine and "
        + "have none."})
final class SshCommand extends RunningLabVerb implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NODE", description = "A node name, leader, follower or random.")
    String target;

    @Parameters(index = "1..*", paramLabel = "COMMAND", arity = "0..*", description = "A command to run, after --.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Lab lab = lab();
        if (lab.state().provider() == ProviderKind.LOCAL) {
            throw new BadInputException("lab \"" + lab.state().name() + "\" runs on the " + lab.state().provider().id()
                    + " provider, whose nodes are processes of this machine without sshd; `lab up --provider netns` "
                    + "gives every node its own sshd");
        }
        NodeState n = lab.node(Targets.resolve(lab, target, new Random()));
        List<String> cmd = new ArrayList<>(List.of("ssh"));
        cmd.addAll(command.isEmpty() ? List.of("-t") : List.of());
        cmd.addAll(lab.state().provider() == ProviderKind.VAGRANT
                ? VagrantBackend.sshArguments(lab.dir(), n.name())
                : NetnsBackend.sshArguments(lab.dir(), n));
        cmd.addAll(command);
        try {
            if (command.isEmpty()) {
                // an interactive shell needs this terminal
                return new ProcessBuilder(cmd).inheritIO().start().waitFor();
            }
            var out = spec.commandLine().getOut();
            var err = spec.commandLine().getErr();
            int rc = new ProcessExecutor().command(cmd).redirectOutput(lines(out)).redirectError(lines(err))
                    .execute().getExitValue();
            out.flush();
            return rc;
        } catch (java.io.IOException e) {
            throw new EnvironmentException("ssh is not installed: install Debian's openssh-client (sudo apt-get "
                    + "install -y openssh-client)", e);
        }
    }

    static LogOutputStream lines(java.io.PrintWriter w) {
        return new LogOutputStream() {
            @Override
            protected void processLine(String line) {
                w.println(line);
            }
        };
    }
}
