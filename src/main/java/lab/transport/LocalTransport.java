package lab.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/** Runs commands on this machine (the local provider's nodes share it), with the node's environment. */
public final class LocalTransport implements Transport {
    private final Map<String, String> env;

    public LocalTransport(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    @Override
    public ExecResult exec(String command, Duration timeout) {
        return run(java.util.List.of("sh", "-c", command), null, timeout);
    }

    /**
     * Runs a program with its arguments as given, no shell in between (nothing in them is shell syntax), with
     * {@code stdin} (or nothing) as its input.
     */
    public ExecResult run(java.util.List<String> argv, String stdin, Duration timeout) {
        String command = Shell.words(argv);
        long t0 = System.nanoTime();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            ProcessExecutor p = new ProcessExecutor().command(argv).environment(env).readOutput(true)
                    .redirectError(err).timeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (stdin != null) {
                p.redirectInput(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            }
            ProcessResult r = p.execute();
            return new ExecResult(r.getExitValue(), r.outputUTF8(), err.toString(StandardCharsets.UTF_8),
                    Duration.ofNanos(System.nanoTime() - t0));
        } catch (TimeoutException e) {
            throw new TransportException("`" + command + "` did not finish within " + timeout.toMillis() + " ms");
        } catch (IOException e) {
            throw new TransportException("cannot run `" + command + "`: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException("interrupted while running `" + command + "`", e);
        }
    }

    @Override
    public void upload(Path local, String remotePath, int mode) {
        try {
            Path target = Path.of(remotePath);
            if (target.getParent() != null) {
                Files.createDirectories(target.getParent());
            }
            Files.copy(local, target, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(SshTransport.rwx(mode)));
        } catch (IOException e) {
            throw new TransportException("cannot copy " + local + " to " + remotePath + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing held
    }
}
