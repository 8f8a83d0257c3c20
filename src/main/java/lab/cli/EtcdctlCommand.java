package lab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import lab.provider.NodeState;
import lab.provider.Lab;
import lab.provider.Recovery;
import lab.spec.EnvironmentException;
import org.zeroturnaround.exec.ProcessExecutor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "etcdctl", description = "Run etcdctl with the lab's endpoints preset: lab etcdctl -- member list.")
final class EtcdctlCommand extends RunningLabVerb implements Callable<Integer> {
    @Parameters(paramLabel = "ARGS", arity = "0..*", description = "etcdctl's arguments, after --.")
    List<String> args = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Lab lab = lab();
        String endpoints = lab.state().members().stream().map(NodeState::clientUrl).collect(Collectors.joining(","));
        List<String> cmd = new ArrayList<>(List.of("etcdctl", "--endpoints=" + endpoints));
        cmd.addAll(args);
        var out = spec.commandLine().getOut();
        var err = spec.commandLine().getErr();
        try {
            // etcdctl's own exit code is passed through.
            return new ProcessExecutor().command(cmd).environment(Recovery.etcdctlEnv(lab))
                    .redirectOutput(SshCommand.lines(out)).redirectError(SshCommand.lines(err)).execute().getExitValue();
        } catch (java.io.IOException e) {
            throw new EnvironmentException("etcdctl is not installed: install Debian's etcd-client (sudo apt-get "
                    + "install -y etcd-client)", e);
        }
    }
}
