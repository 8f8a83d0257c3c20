package lab.provider;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The directory of one lab, {@code .lab/<name>/}: state.json, a lock for commands that change the lab, and per
 * node its data directory and log. Everything a lab leaves on disk is under here, so removing it is the last step
 * of {@code lab down}.
 */
public final class LabDir {
    public static final String LABS = ".lab";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Path root;
    private final String name;

    public LabDir(Path workDir, String name) {
        this.name = name;
        this.root = workDir.resolve(LABS).resolve(name);
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    public Path nodeDir(String node) {
        return root.resolve("nodes").resolve(node);
    }

    public Path dataDir(String node) {
        return nodeDir(node).resolve("data");
    }

    public Path log(String node) {
        return nodeDir(node).resolve("etcd.log");
    }

    public Path daemonLog() {
        return root.resolve("daemon.log");
    }

    public Path stateFile() {
        return root.resolve("state.json");
    }

    public boolean exists() {
        return Files.isRegularFile(stateFile());
    }

    public Optional<LabState> read() {
        if (!exists()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(stateFile().toFile(), LabState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + stateFile() + ": " + e.getMessage(), e);
        }
    }

    /** What the daemon reads: one line per node, tab-separated (see {@link DaemonView}). */
    public Path daemonView() {
        return root.resolve("daemon-view.tsv");
    }

    /**
     * Writes atomically and durably: through a temporary file of its own (two processes writing at once never
     * share one), flushed to disk before it replaces the old state, so a crash leaves the old or the new state,
     * never half of one. Callers that read, change and write hold {@link #lock()} around all three.
     */
    public void write(LabState state) {
        try {
            Files.createDirectories(root);
            replace(stateFile(), JSON.writeValueAsBytes(state));
            replace(daemonView(), DaemonView.of(state).toText().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile() + ": " + e.getMessage(), e);
        }
    }

    private void replace(Path target, byte[] content) throws IOException {
        Path tmp = Files.createTempFile(root, "." + target.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(content));
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** A held lock; closing it releases it. */
    public interface Held extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * The OS lock is held per process, so threads of one process take this one first. Keyed by the lock file: the
     * one thing every {@code LabDir} of a lab in this process shares.
     */
    private static final java.util.concurrent.ConcurrentMap<Path, java.util.concurrent.locks.ReentrantLock> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Holds the lab's lock until closed: every read-change-write of the lab's state, from any process or thread,
     * runs under it (an exclusive lock on {@code .lab/<name>/lock}), so none is lost to another's.
     */
    public Held lock() {
        Path file = root.resolve("lock").toAbsolutePath().normalize();
        java.util.concurrent.locks.ReentrantLock local = IN_PROCESS.computeIfAbsent(file,
                f -> new java.util.concurrent.locks.ReentrantLock());
        local.lock();
        if (local.getHoldCount() > 1) {
            return local::unlock; // this thread holds the file lock already
        }
        try {
            Files.createDirectories(root);
            FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.lock();
            return () -> {
                try {
                    lock.release();
                    ch.close();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot unlock " + file + ": " + e.getMessage(), e);
                } finally {
                    local.unlock();
                }
            };
        } catch (IOException | RuntimeException e) {
            local.unlock();
            throw e instanceof IOException io ? new UncheckedIOException("cannot lock " + root + ": "
                    + io.getMessage(), io) : (RuntimeException) e;
        }
    }

    /** Removes the whole lab directory. */
    public void delete() {
        try {
            deleteTree(root);
        } catch (lab.spec.EnvironmentException e) {
            // as before deleteTree existed: an I/O failure here (exit 5), where deleteTree's callers report exit 4
            IOException io = (IOException) e.getCause();
            throw new UncheckedIOException("cannot remove " + root + ": " + io.getMessage(), io);
        }
    }

    /** Deletes a file tree (children first); nothing when it is not there. */
    public static void deleteTree(Path tree) {
        if (!Files.exists(tree)) {
            return;
        }
        try (Stream<Path> all = Files.walk(tree)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new lab.spec.EnvironmentException("cannot delete " + tree + ": " + e.getMessage(), e);
        }
    }

    /** The names of the labs with state under {@code workDir}. */
    public static List<String> list(Path workDir) {
        Path labs = workDir.resolve(LABS);
        List<String> out = new ArrayList<>();
        if (Files.isDirectory(labs)) {
            try (Stream<Path> dirs = Files.list(labs)) {
                dirs.filter(d -> Files.isRegularFile(d.resolve("state.json"))).map(d -> d.getFileName().toString())
                        .sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
