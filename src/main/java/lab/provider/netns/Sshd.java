package lab.provider.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import lab.provider.Processes;
import lab.spec.EnvironmentException;
import lab.transport.LocalTransport;
import lab.transport.SshKeys;

/**
 * A node's OpenSSH server inside its namespace, on port 22 of the node's address, with a host key of its own
 * (recorded in the lab's known_hosts, so a different machine answering there is refused) and the lab's key as the
 * only way in.
 */
final class Sshd {
    static final String USER = "root";

    private Sshd() {
    }

    /** The lab's client key pair and known_hosts, under {@code .lab/<name>/ssh/}. */
    static Path keyDir(Path labRoot) {
        return labRoot.resolve("ssh");
    }

    static Path clientKey(Path labRoot) {
        return keyDir(labRoot).resolve("id_ed25519");
    }

    static Path knownHosts(Path labRoot) {
        return keyDir(labRoot).resolve("known_hosts");
    }

    /** Makes the lab's client key and an authorized_keys holding it. */
    static void clientKeys(Path labRoot, String labName) {
        String pub = SshKeys.ensure(clientKey(labRoot), "lab-" + labName);
        write(keyDir(labRoot).resolve("authorized_keys"), pub + "\n");
    }

    /** Writes the node's host key and sshd_config into its directory; returns the known_hosts line. */
    static String configure(Path labRoot, Path nodeDir, String address) {
        Path hostKey = nodeDir.resolve("ssh_host_ed25519_key");
        try {
            Files.createDirectories(nodeDir);
            Files.deleteIfExists(hostKey);
            Files.deleteIfExists(hostKey.resolveSibling("ssh_host_ed25519_key.pub"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot prepare " + nodeDir + ": " + e.getMessage(), e);
        }
        var r = new LocalTransport(Map.of()).exec("ssh-keygen -q -t ed25519 -N '' -C " + address + " -f '" + hostKey
                + "'", Duration.ofSeconds(20));
        if (!r.ok()) {
            throw new EnvironmentException("ssh-keygen could not make a host key for " + address + ": " + r.stderr());
        }
        write(nodeDir.resolve("sshd_config"), String.join("\n", List.of(
                "# sshd of a lab node (netns provider); written by lab up",
                "ListenAddress " + address + ":22",
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + keyDir(labRoot).toAbsolutePath().resolve("authorized_keys"),
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                // the lab's directory may sit under a group-writable work tree; the key files themselves are 0600
                "StrictModes no",
                "PidFile none",
                "Subsystem sftp internal-sftp",
                "LogLevel ERROR")) + "\n");
        return SshKeys.knownHostsLine(address, 22, read(hostKey.resolveSibling("ssh_host_ed25519_key.pub")));
    }

    /** Starts sshd in the namespace, in the foreground of its own session, so its PID is the one recorded. */
    static Processes.Started start(String namespace, Path nodeDir) {
        try {
            // the privilege-separation directory Debian's sshd insists on; tmpfs, so gone after a reboot
            Files.createDirectories(Path.of("/run/sshd"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot create /run/sshd: " + e.getMessage(), e);
        }
        return Processes.start(List.of("/usr/sbin/ip", "netns", "exec", namespace, "/usr/sbin/sshd", "-D", "-e",
                "-f", nodeDir.resolve("sshd_config").toAbsolutePath().toString()), Map.of(),
                nodeDir.resolve("sshd.log"));
    }

    private static void write(Path p, String text) {
        try {
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + p + ": " + e.getMessage(), e);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
