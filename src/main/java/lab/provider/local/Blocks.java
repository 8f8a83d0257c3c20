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
 * default lab), else the next free one, skipping blocks other labs here hold and blocks where something already
 * listens on a port the lab needs. A block pinned by the user is used or refused, never moved.
 */
final class Blocks {
    private Blocks() {
    }

    static LocalAddresses claim(Path workDir, LabSpec spec, Integer pinned) {
        Set<Integer> held = new HashSet<>();
        for (String other : LabDir.list(workDir)) {
            if (!other.equals(spec.name())) {
                new LabDir(workDir, other).read().ifPresent(s -> held.add(s.block()));
            }
        }
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
