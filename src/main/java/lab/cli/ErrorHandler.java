package lab.cli;

import java.io.PrintWriter;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.Problem;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place where exceptions become exit codes and messages. Bad input and environment problems are the
 * user's to fix: a clear message, no stack trace. Anything else is our bug: exit 5, trace behind --verbose.
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {
    private final LabCommand top;

    ErrorHandler(LabCommand top) {
        this.top = top;
    }

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("lab: " + e.getMessage());
        if (e instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
            // only a near miss gets a "did you mean" (picocli's own suggested status for "bogus")
            String word = u.getUnmatched().get(0);
            java.util.Set<String> candidates = new java.util.TreeSet<>(e.getCommandLine().getSubcommands().keySet());
            e.getCommandLine().getCommandSpec().options().forEach(o -> candidates.addAll(java.util.List.of(o.names())));
            lab.spec.Suggest.closest(word, candidates).ifPresent(s -> err.println("Did you mean: "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " " + s + "?"));
        }
        err.println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help' for the options.");
        return ExitCode.BAD_INPUT;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        if (e instanceof BadInputException bad) {
            if (bad.problems().isEmpty()) {
                err.println("lab: " + bad.getMessage());
            } else {
                bad.problems().stream().map(Problem::toString).forEach(err::println);
            }
            trace(err, e);
            return ExitCode.BAD_INPUT;
        }
        if (e instanceof EnvironmentException) {
            err.println("lab: " + e.getMessage());
            trace(err, e);
            return ExitCode.ENVIRONMENT;
        }
        if (e instanceof lab.etcd.EtcdException etcd) {
            // etcd's own words; a refusal is the cluster not doing what was asked (1), no answer is the environment (4)
            err.println("lab: " + (etcd.kind() == lab.etcd.EtcdException.Kind.REFUSED ? "etcd refused: " : "etcd: ")
                    + etcd.getMessage());
            trace(err, e);
            return etcd.kind() == lab.etcd.EtcdException.Kind.REFUSED ? ExitCode.CHECK_FAILED : ExitCode.ENVIRONMENT;
        }
        if (e instanceof lab.provider.NodeCrashedException crashed) {
            err.println("lab: " + crashed.getMessage());
            trace(err, e);
            return ExitCode.CHECK_FAILED;
        }
        if (e instanceof java.io.UncheckedIOException io) {
            err.println("lab: " + io.getMessage());
            trace(err, e);
            return ExitCode.ENVIRONMENT;
        }
        err.println("lab: internal error: " + e);
        if (top.verbose) {
            e.printStackTrace(err);
        } else {
            err.println("This is a bug in lab. Run again with --verbose for the stack trace, and report it.");
        }
        return ExitCode.INTERNAL;
    }

    private void trace(PrintWriter err, Exception e) {
        if (top.verbose) {
            e.printStackTrace(err);
        }
    }
}
