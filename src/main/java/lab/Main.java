package lab;

import java.io.PrintWriter;
import java.nio.file.Path;
import lab.cli.Cli;

/** The entry point: wires the CLI to the real process and is the one place that exits. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        int code = new Cli(Path.of("").toAbsolutePath(), out, err).run(args);
        out.flush();
        err.flush();
        System.exit(code);
    }
}
