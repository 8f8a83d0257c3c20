package lab.provider.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import lab.spec.EnvironmentException;

/**
 * Where a netns lab keeps what root executes or trusts: the etcd supervisor and its etcd.run, each node's sshd
 * configuration and host key, the keys sshd lets in. Under /run/lab/<id>/, a directory only root can write or read,
 * written afresh at every bring-up: the lab's own directory (.lab/, in the user's work tree) may be writable by
 * others, and a file root runs from there would be a way to root. Data and logs stay in .lab/.
 */
final class NetnsRuntime {
    static final Path BASE = Path.of("/run/lab");

    private NetnsRuntime() {
    }

    static Path root(NetnsLayout layout) {
        return BASE.resolve(layout.id());
    }

    static Path node(NetnsLayout layout, String node) {
        return root(layout).resolve(node);
    }

    /** /run/lab (0755) and /run/lab/<id> (0700), owned by root, made or tightened as needed. */
    static void create(NetnsLayout layout) {
        try {
            Files.createDirectories(BASE);
            Files.setPosixFilePermissions(BASE, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(root(layout));
            Files.setPosixFilePermissions(root(layout), PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot create " + root(layout) + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file there with the given permission bits (e.g. "rwxr-xr-x"), replacing what was there. */
    static void write(Path file, String text, String mode) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".lab", ".tmp");
            Files.writeString(tmp, text);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** Removes the lab's runtime directory; nothing happens when it is gone. */
    static void delete(NetnsLayout layout) {
        Path r = root(layout);
        if (!Files.exists(r)) {
            return;
        }
        try (Stream<Path> all = Files.walk(r)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new EnvironmentException("cannot remove " + r + ": " + e.getMessage(), e);
        }
    }
}
