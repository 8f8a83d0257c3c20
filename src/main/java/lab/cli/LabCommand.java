package lab.cli;

import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

// scope INHERIT hands -h/--help and -V/--version down to every subcommand, so "lab up --help" works as the footer says.
@Command(name = "lab", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = VersionProvider.class,
        description = "Throwaway etcd clusters: bring them up, break them on purpose, check what still holds.",
        subcommands = {InitCommand.class, ValidateCommand.class, RenderCommand.class, UpCommand.class,
            StatusCommand.class, NodeCommand.class, MemberCommand.class, NetCommand.class, EtcdctlCommand.class, SshCommand.class, FleetCommand.class,
            LsCommand.class, DownCommand.class, DoctorCommand.class, RunCommand.class, CheckCommand.class, DemoCommand.class,
            RunsCommand.class, InstallCommand.class, CompletionCommand.class,
            HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 unknown verdict, 4 environment, 5 internal.",
            "Run 'lab COMMAND --help' (or 'lab help COMMAND') for a command's options."})
public final class LabCommand implements Runnable {
    private final Path workDir;

    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces and more detail.")
    boolean verbose;

    LabCommand(Path workDir) {
        this.workDir = workDir;
    }

    Path workDir() {
        return workDir;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
