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

    /**
     * Makes the lab's client key (kept with the lab, it is the lab's) and the authorized_keys the nodes' sshd reads,
     * in the runtime directory only root can write.
     */
    static void clientKeys(Path labRoot, String labName, Path runtimeRoot) {
        String pub = SshKeys.ensure(clientKey(labRoot), "lab-" + labName);
        NetnsRuntime.write(runtimeRoot.resolve("authorized_keys"), pub + "\n", "rw-------");
    }

    /** Writes the node's host key and sshd_config into its runtime directory; returns the known_hosts line. */
    static String configure(Path runtimeRoot, Path nodeRuntime, String address) {
        Path hostKey = nodeRuntime.resolve("ssh_host_ed25519_key");
        try {
            Files.createDirectories(nodeRuntime);
            Files.deleteIfExists(hostKey);
            Files.deleteIfExists(hostKey.resolveSibling("ssh_host_ed25519_key.pub"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot prepare " + nodeRuntime + ": " + e.getMessage(), e);
        }
        var r = new LocalTransport(Map.of()).run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", address,
                "-f", hostKey.toString()), null, Duration.ofSeconds(20));
        if (!r.ok()) {
            throw new EnvironmentException("ssh-keygen could not make a host key for " + address + ": " + r.stderr());
        }
        NetnsRuntime.write(nodeRuntime.resolve("sshd_config"), String.join("\n", List.of(
                "# sshd of a lab node (netns provider); written by lab up",
                "ListenAddress " + address + ":22",
                "HostKey " + hostKey,
                "AuthorizedKeysFile " + runtimeRoot.resolve("authorized_keys"),
                "PermitRootLogin prohibit-password",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "UsePAM no",
                // every file it reads is in a directory only root can write (NetnsRuntime): strict checks hold
                "StrictModes yes",
                "PidFile none",
                "Subsystem sftp internal-sftp",
                "LogLevel ERROR")) + "\n", "rw-------");
        return SshKeys.knownHostsLine(address, 22, read(hostKey.resolveSibling("ssh_host_ed25519_key.pub")));
    }

    /**
     * Starts sshd in the namespace, in the foreground of its own session, so its PID is the one recorded. It gets a
     * UTS namespace of its own with the node's name as hostname, so the node's sessions (and the etcd they start)
     * see the name a machine of its own would have.
     */
    static Processes.Started start(String namespace, String node, Path nodeRuntime, Path logDir) {
        try {
            // the privilege-separation directory Debian's sshd insists on; tmpfs, so gone after a reboot
            Files.createDirectories(Path.of("/run/sshd"));
        } catch (IOException e) {
            throw new EnvironmentException("cannot create /run/sshd: " + e.getMessage(), e);
        }
        return Processes.start(List.of("/usr/sbin/ip", "netns", "exec", namespace, "unshare", "--uts", "sh", "-c",
                "hostname \"$0\" && exec /usr/sbin/sshd -D -e -f \"$1\"", node,
                nodeRuntime.resolve("sshd_config").toString()), Map.of(), logDir.resolve("sshd.log"));
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }
}
