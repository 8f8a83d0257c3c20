package lab.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IHelpCommandInitializable2;
import picocli.CommandLine.Parameters;

/**
 * {@code lab help [COMMAND [SUBCOMMAND...]]}: the usage of the command named by the whole path, so that
 * {@code lab help node kill} shows `lab node kill`, as {@code lab node kill --help} does (picocli's own help
 * command stops at the first word).
 */
@Command(name = "help", helpCommand = true, description = "Show the usage of lab or of one of its commands, "
        + "like lab help node kill.")
final class HelpCommand implements IHelpCommandInitializable2, Runnable {
    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "The command (and subcommands) to explain.")
    List<String> path = new ArrayList<>();

    private CommandLine parent;
    private PrintWriter out;

    @Override
    public void init(CommandLine helpCommandLine, CommandLine.Help.ColorScheme colorScheme, PrintWriter out,
                     PrintWriter err) {
        this.parent = helpCommandLine.getParent();
        this.out = out;
    }

    @Override
    public void run() {
        CommandLine at = parent;
        for (String word : path) {
            CommandLine next = at.getSubcommands().get(word);
            if (next == null) {
                throw new CommandLine.ParameterException(at, "no command \"" + word + "\" in `"
                        + at.getCommandSpec().qualifiedName() + "`; it has " + String.join(", ",
                        at.getSubcommands().keySet()));
            }
            at = next;
        }
        at.usage(out);
    }
}
