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
        // picocli, before it loads: no Groovy closures to look for (a class lookup that misses opens every jar on
        // the class path: 17 ms of each start) and no converters for java.sql and java.time types, which no option
        // of lab has (loading and linking them was another chunk of every start)
        System.setProperty("picocli.disable.closures", "true");
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time)\\..*");
        Path cwd = Path.of("").toAbsolutePath();
        if (args.length == 1 && args[0].equals("--archive-warm-up")) {
            // the launcher's class-data archive run: the fast path's classes, then the whole command model
            lab.cli.Forward.warmUp();
            lab.cli.Cli.warmUp(cwd); // every command's model: the archive holds the classes each one loads
            args = new String[] {"--help"};
        } else {
            int forwarded = lab.cli.Forward.run(args, cwd, System.out, System.err);
            if (forwarded != lab.cli.Forward.NOT_FORWARDED) {
                System.out.flush();
                System.exit(forwarded);
            }
        }
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = new Cli(cwd, out, err).run(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
