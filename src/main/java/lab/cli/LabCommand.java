package lab.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

// scope INHERIT hands -h/--help and -V/--version down to every subcommand, so "lab up --help" works as the footer says.
@Command(name = "lab", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT, versionProvider = VersionProvider.class,
        description = "Throwaway etcd clusters: bring them up, break them on purpose, check what still holds.",
        footer = {"", "Exit codes: 0 ok, 1 a check failed, 2 bad input, 3 unknown verdict, 4 environment, 5 internal.",
            "Run 'lab COMMAND --help' (or 'lab help COMMAND') for a command's options."})
public final class LabCommand implements Runnable {
    /** Every subcommand, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(InitCommand.class, ValidateCommand.class, RenderCommand.class,
            UpCommand.class, StatusCommand.class, NodeCommand.class, MemberCommand.class, SnapshotCommand.class, NetCommand.class,
            EtcdctlCommand.class, SshCommand.class, FleetCommand.class, UiCommand.class, LsCommand.class,
            DownCommand.class,
            DoctorCommand.class, RunCommand.class, ChaosCommand.class, CheckCommand.class, DemoCommand.class, RunsCommand.class,
            InstallCommand.class, CompletionCommand.class, HelpCommand.class);
    /** Commands that walk the whole command tree: they get it whole. */
    private static final Set<String> WHOLE_TREE = Set.of("help", "completion");

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

    /** The whole command tree, every subcommand's model built (what help, completion and the tests walk). */
    static CommandLine whole(Path workDir) {
        return commandLine(workDir, null);
    }

    /**
     * The command tree for one command line: picocli builds a command's model from its annotations (every option,
     * every method of its class, the types those name), which was most of a command's start-up. So only the
     * command the line runs gets its model; the others stand in with their name, aliases and description, which
     * is all the top level's help, its errors and did-you-mean use. A line whose command is not known yet (or
     * help, completion) gets the whole tree, so nothing it prints differs.
     */
    static CommandLine forLine(Path workDir, String... args) {
        String first = null;
        for (String a : args) {
            if (a.equals("--")) {
                break;
            }
            if (!a.startsWith("-")) {
                first = a;
                break;
            }
        }
        if (first == null) {
            return commandLine(workDir, ""); // lab, lab --help, lab --version: names and descriptions only
        }
        for (Class<?> c : SUBCOMMANDS) {
            Command ann = c.getAnnotation(Command.class);
            if ((ann.name().equals(first) || List.of(ann.aliases()).contains(first))
                    && !WHOLE_TREE.contains(ann.name())) {
                return commandLine(workDir, ann.name());
            }
        }
        return whole(workDir);
    }

    /** @param only the one subcommand to build whole ("" none, null all of them) */
    private static CommandLine commandLine(Path workDir, String only) {
        CommandLine cl = new CommandLine(new LabCommand(workDir));
        for (Class<?> c : SUBCOMMANDS) {
            Command ann = c.getAnnotation(Command.class);
            if (only == null || ann.name().equals(only)) {
                cl.addSubcommand(ann.name(), instance(c), ann.aliases());
            } else {
                CommandSpec standIn = CommandSpec.create().name(ann.name()).aliases(ann.aliases());
                standIn.usageMessage().description(ann.description()).hidden(ann.hidden());
                cl.addSubcommand(ann.name(), new CommandLine(standIn), ann.aliases());
            }
        }
        return cl;
    }

    private static Object instance(Class<?> c) {
        try {
            var constructor = c.getDeclaredConstructor();
            constructor.setAccessible(true);
            return constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create " + c.getName(), e);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
