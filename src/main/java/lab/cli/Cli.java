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

    public int run(String... args) {
        LabCommand top = new LabCommand(workDir);
        CommandLine cl = new CommandLine(top);
        cl.setOut(out);
        cl.setErr(err);
        ErrorHandler handler = new ErrorHandler(top);
        cl.setExecutionExceptionHandler(handler);
        cl.setParameterExceptionHandler(handler);
        cl.setUsageHelpAutoWidth(true);
        return cl.execute(args);
    }
}
