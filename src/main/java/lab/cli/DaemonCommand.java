package lab.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import lab.daemon.Daemon;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The per-lab daemon's entry point; started by `lab up`, not by users. */
@Command(name = "daemon", hidden = true, description = "Run a lab's daemon (started by lab up).")
final class DaemonCommand implements Callable<Integer> {
    @Option(names = "--dir", required = true)
    Path dir;

    @Option(names = "--host", required = true)
    String host;

    @Override
    public Integer call() throws Exception {
        Daemon.run(dir, host);
        return ExitCode.OK;
    }
}
