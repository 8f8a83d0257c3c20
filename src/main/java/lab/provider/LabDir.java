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

    /** Writes atomically (a crash leaves the old or the new state, never half of one). */
    public void write(LabState state) {
        try {
            Files.createDirectories(root);
            Path tmp = root.resolve("state.json.tmp");
            JSON.writeValue(tmp.toFile(), state);
            Files.move(tmp, stateFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Path view = root.resolve("daemon-view.tsv.tmp");
            Files.writeString(view, DaemonView.of(state).toText());
            Files.move(view, daemonView(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + stateFile() + ": " + e.getMessage(), e);
        }
    }

    /** Holds the lab's lock until closed: commands that change a lab run one at a time. */
    public AutoCloseable lock() {
        try {
            Files.createDirectories(root);
            FileChannel ch = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = ch.lock();
            return () -> {
                lock.release();
                ch.close();
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + root + ": " + e.getMessage(), e);
        }
    }

    /** Removes the whole lab directory. */
    public void delete() {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + root + ": " + e.getMessage(), e);
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
