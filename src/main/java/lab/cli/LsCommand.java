package lab.cli;

import java.util.List;
import java.util.concurrent.Callable;
import lab.provider.LabDir;
import lab.provider.LabState;
import lab.provider.Processes;
import lab.report.Table;
import picocli.CommandLine.Command;

@Command(name = "ls", description = "List the labs in this directory.")
final class LsCommand extends LabVerb implements Callable<Integer> {
    @Override
    public Integer call() {
        List<String> names = LabDir.list(top.workDir());
        if (names.isEmpty()) {
            spec.commandLine().getOut().println("no labs in this folder (" + top.workDir().resolve(LabDir.LABS)
                    + "); `lab up` starts one");
            return ExitCode.OK;
        }
        Table t = new Table("NAME", "PROVIDER", "NODES", "RUNNING", "ADDRESSES", "DAEMON", "MEMORY");
        for (String name : names) {
            LabState s = new LabDir(top.workDir(), name).read().orElseThrow();
            long running = s.nodes().stream().filter(n -> Processes.alive(n.pid(), n.startedAt())).count();
            java.util.List<long[]> processes = new java.util.ArrayList<>();
            processes.add(new long[] {s.daemonPid(), s.daemonStartedAt()});
            s.nodes().forEach(n -> processes.add(new long[] {n.pid(), n.startedAt()}));
            // resident memory of the daemon, every node's processes and fleet's units; a VM's is VirtualBox's
            String memory = s.provider() == lab.spec.ProviderKind.VAGRANT ? "-"
                    : Processes.residentBytes(processes) / (1 << 20) + " MiB";
            t.row(name, s.provider().id(), s.nodes().size(), running, s.addressRange(),
                    Processes.alive(s.daemonPid(), s.daemonStartedAt()) ? "up" : "down", memory);
        }
        spec.commandLine().getOut().print(t);
        return ExitCode.OK;
    }
}
