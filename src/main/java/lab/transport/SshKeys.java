package lab.transport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * The lab's own ed25519 keys: made by the lab, private files readable by the owner only (0600, directory 0700).
 * ssh-keygen makes them (as the rendered Vagrantfile does): JSch can generate ed25519 keys but cannot write their
 * private half, and OpenSSH's own format is what sshd, ssh and JSch all read.
 */
public final class SshKeys {
    private SshKeys() {
    }

    /** Writes {@code privateKey} and {@code privateKey.pub} unless they exist; returns the public key line. */
    public static String ensure(Path privateKey, String comment) {
        Path pub = Path.of(privateKey + ".pub");
        try {
            Files.createDirectories(privateKey.getParent());
            Files.setPosixFilePermissions(privateKey.getParent(), PosixFilePermissions.fromString("rwx------"));
            if (!Files.exists(privateKey) || !Files.exists(pub)) {
                Files.deleteIfExists(privateKey);
                Files.deleteIfExists(pub);
                ProcessResult r = new ProcessExecutor().command("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C",
                        comment, "-f", privateKey.toString()).readOutput(true).redirectErrorStream(true)
                        .timeout(30, TimeUnit.SECONDS).execute();
                if (r.getExitValue() != 0) {
                    throw new TransportException("ssh-keygen could not create " + privateKey + ": " + r.outputUTF8());
                }
                Files.setPosixFilePermissions(privateKey, PosixFilePermissions.fromString("rw-------"));
            }
            return Files.readString(pub, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new TransportException("cannot create the lab's SSH key " + privateKey + " (ssh-keygen comes with "
                    + "Debian's openssh-client): " + e.getMessage(), e);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new TransportException("ssh-keygen did not finish for " + privateKey, e);
        }
    }

    /** A known_hosts line for a host key ({@code ssh-ed25519 AAAA...}) at host:port, as OpenSSH writes it. */
    public static String knownHostsLine(String host, int port, String publicKey) {
        String[] parts = publicKey.trim().split("\\s+");
        return (port == 22 ? host : "[" + host + "]:" + port) + " " + parts[0] + " " + parts[1];
    }
}
