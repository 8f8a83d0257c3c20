package lab.transport;

import java.nio.file.Path;
import java.time.Duration;

/** How a command reaches a node: on this machine, or over SSH. One instance per node; not shared across labs. */
public interface Transport extends AutoCloseable {

    /** Runs a shell command on the node; gives up (TransportException) when it runs longer than {@code timeout}. */
    ExecResult exec(String command, Duration timeout);

    /** Copies a local file to {@code remotePath} on the node with the given permission bits (e.g. 0644). */
    void upload(Path local, String remotePath, int mode);

    /** Releases connections; the transport may be used again afterwards (it reconnects). */
    @Override
    void close();
}
