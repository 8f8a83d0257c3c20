package lab;

import java.io.PrintWriter;
import java.nio.file.Path;
import lab.cli.Cli;
import lab.daemon.Daemon;

/** The entry point: wires the CLI to the real process and is the one place that exits. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 5 && args[0].equals("daemon") && args[1].equals("--dir") && args[3].equals("--host")) {
            // The per-lab daemon, spawned by `lab up`: straight in, without building the whole CLI, because its
            // start-up is on the critical path of every bring-up (the members' peer proxies live in it).
            Daemon.run(Path.of(args[2]), args[4]);
            System.exit(0);
        }
        // jetcd's gRPC and Netty log through java.util.logging at INFO ("Epoll available ..."): not for the user's
        // terminal; warnings and errors still show
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = new Cli(Path.of("").toAbsolutePath(), out, err).run(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
