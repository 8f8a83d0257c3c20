package lab.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** Builds the command tree and runs one command line; returns the exit code instead of exiting. */
public final class Cli {
    private final Path workDir;
    private final PrintWriter out;
    private final PrintWriter err;

    public Cli(Path workDir, PrintWriter out, PrintWriter err) {
        this.workDir = workDir;
        this.out = out;
        this.err = err;
    }

    /** Builds the whole command tree once and runs every command's --help into nothing (the launcher's archive). */
    public static void warmUp(Path workDir) {
        lab.provider.Lab.warmUp();
        PrintWriter none = new PrintWriter(java.io.Writer.nullWriter());
        for (Class<?> c : LabCommand.SUBCOMMANDS) {
            String name = c.getAnnotation(picocli.CommandLine.Command.class).name();
            new Cli(workDir, none, none).run(name, "--help");
        }
    }

    public int run(String... args) {
        CommandLine cl = LabCommand.forLine(workDir, args);
        LabCommand top = cl.getCommand();
        cl.setOut(out);
        cl.setErr(err);
        ErrorHandler handler = new ErrorHandler(top);
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        cl.setUsageHelpAutoWidth(true);
        return cl.execute(args);
    }
}
