package lab.transport;

import java.time.Duration;

/** What a command did on a node: its exit code and output. */
public record ExecResult(int exitCode, String stdout, String stderr, Duration took) {

    public boolean ok() {
        return exitCode == 0;
    }
}
