package lab.provider.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import lab.provider.LabDir;
import lab.spec.EnvironmentException;
import lab.spec.Ipv4;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;

/**
 * Picks a lab's loopback block (the B of 127.B.x.y): the subnet's second octet when free (127.17.8.101 for the
 * default lab), else the next free one, skipping blocks other labs hold and blocks where something already listens
 * on a port the lab needs. A block pinned by the user is used or refused, never moved.
 *
 * <p>Loopback addresses are the whole machine's, and a lab holds its block from the claim on, before its processes
 * listen: so claims are recorded machine-wide, in {@code <tmp>/lab-<user>-blocks/<B>} (the lab directory that holds
 * it), made under that folder's lock. Two `lab up` in two shells, in one folder or in two, get two blocks. A claim
 * counts while its lab's state names the block, or for a minute after it was made (the lab is still coming up).
 */
final class Blocks {
    private static final java.time.Duration FRESH = java.time.Duration.ofMinutes(1);

    private Blocks() {
    }

    static Path registry() {
        return Path.of(System.getProperty("java.io.tmpdir"), "lab-" + System.getProperty("user.name") + "-blocks");
    }

    static LocalAddresses claim(Path workDir, LabSpec spec, Integer pinned) {
        Path root = new LabDir(workDir, spec.name()).root().toAbsolutePath().normalize();
        try {
            java.nio.file.Files.createDirectories(registry());
            try (var ch = java.nio.channels.FileChannel.open(registry().resolve(".lock"),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                 var lock = ch.lock()) {
                LocalAddresses a = pick(workDir, spec, pinned, root);
                java.nio.file.Files.writeString(registry().resolve(Integer.toString(a.block())), root + "\n");
                return a;
            }
        } catch (java.io.IOException e) {
            throw new EnvironmentException("cannot record the lab's address block in " + registry() + ": "
                    + e.getMessage());
        }
    }

    /** Drops the lab's claim (lab down); a claim another lab has taken over since stays. */
    static void release(Path labRoot, int block) {
        Path f = registry().resolve(Integer.toString(block));
        try {
            if (java.nio.file.Files.exists(f) && java.nio.file.Files.readString(f).trim().equals(
                    labRoot.toAbsolutePath().normalize().toString())) {
                java.nio.file.Files.delete(f);
            }
        } catch (java.io.IOException e) {
            // a stale claim is ignored by the next claim once the lab's state is gone
        }
    }

    /** Blocks other labs hold: those recorded in this folder, and the machine-wide claims still in force. */
    private static Set<Integer> held(Path workDir, LabSpec spec, Path self) {
        Set<Integer> held = new HashSet<>();
        for (String other : LabDir.list(workDir)) {
            if (!other.equals(spec.name())) {
                new LabDir(workDir, other).read().ifPresent(s -> held.add(s.block()));
            }
        }
        try (var claims = java.nio.file.Files.list(registry())) {
            for (Path f : claims.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
                int b = Integer.parseInt(f.getFileName().toString());
                Path owner = Path.of(java.nio.file.Files.readString(f).trim());
                if (owner.equals(self)) {
                    continue;
                }
                boolean young = java.nio.file.Files.getLastModifiedTime(f).toInstant()
                        .isAfter(java.time.Instant.now().minus(FRESH));
                boolean recorded = java.nio.file.Files.isRegularFile(owner.resolve("state.json"))
                        && new LabDir(owner.getParent().getParent(), owner.getFileName().toString()).read()
                        .map(s -> s.block() == b).orElse(false);
                if (young || recorded) {
                    held.add(b);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            // an unreadable claim is no claim; the port checks below still guard what runs
        }
        return held;
    }

    private static LocalAddresses pick(Path workDir, LabSpec spec, Integer pinned, Path self) {
        Set<Integer> held = held(workDir, spec, self);
        if (pinned != null) {
            if (pinned < 1 || pinned > 254) {
                throw new lab.spec.BadInputException("--block must be between 1 and 254, got " + pinned);
            }
            String busy = busy(new LocalAddresses(pinned), spec);
            if (busy != null || held.contains(pinned)) {
                throw new EnvironmentException("address " + (busy != null ? busy : "block 127." + pinned + ".x.y")
                        + " is already in use (another lab or program); stop it, or leave out --block to let lab "
                        + "pick a free block");
            }
            return new LocalAddresses(pinned);
        }
        int preferred = (int) ((spec.subnet().network() >> 16) & 255);
        List<Integer> candidates = new ArrayList<>();
        candidates.add(preferred < 1 || preferred > 254 ? 17 : preferred);
        for (int b = 1; b <= 254; b++) {
            candidates.add(b);
        }
        for (int b : candidates) {
            if (!held.contains(b) && busy(new LocalAddresses(b), spec) == null) {
                return new LocalAddresses(b);
            }
        }
        throw new EnvironmentException("no free loopback block for lab \"" + spec.name() + "\": every 127.B.x.y has "
                + "something listening on the lab's ports");
    }

    private static String busy(LocalAddresses a, LabSpec spec) {
        List<String> hosts = new ArrayList<>();
        for (NodeSpec n : spec.nodes()) {
            hosts.add(a.map(n.address()));
        }
        String busy = LocalAddresses.firstInUse(hosts, 2379, 2380, lab.daemon.Daemon.HIDDEN_PEER_PORT);
        if (busy != null) {
            return busy;
        }
        return LocalAddresses.firstInUse(List.of(a.map(Ipv4.format(spec.subnet().hostAddress()))), 2390);
    }
}
