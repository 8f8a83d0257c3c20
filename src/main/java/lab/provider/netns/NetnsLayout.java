package lab.provider.netns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a netns lab created on this machine, in {@code .lab/<name>/netns.tsv}: the bridge, and per node its
 * namespace, the host end of its veth pair and its sshd. Written before each object is created, so that
 * {@code lab down} after a crash finds everything, including what was only half made.
 *
 * @param id six hex digits that keep this lab's interface names apart from other labs' (names are at most 15 bytes)
 * @param hostAddress the host's address on the bridge (the subnet's .1)
 */
public record NetnsLayout(String id, String bridge, String hostAddress, int prefix, List<NodeNet> nodes) {

    /** One node's network objects; {@code sshdPid} 0 until its sshd started. */
    public record NodeNet(String node, String namespace, String veth, String address, long sshdPid,
                          long sshdStartedAt) {
        NodeNet withSshd(long pid, long startedAt) {
            return new NodeNet(node, namespace, veth, address, pid, startedAt);
        }
    }

    public NetnsLayout {
        nodes = List.copyOf(nodes);
    }

    static NetnsLayout fresh(Path labRoot, String hostAddress, int prefix) {
        String id = String.format("%06x", labRoot.toAbsolutePath().normalize().toString().hashCode() & 0xffffff);
        return new NetnsLayout(id, "lb-" + id, hostAddress, prefix, List.of());
    }

    /** Adds a node with the next free veth index. */
    NetnsLayout plus(String node, String address) {
        List<NodeNet> out = new ArrayList<>(nodes);
        out.add(new NodeNet(node, "lab-" + id + "-" + node, String.format("lv%s%02d", id, nodes.size() + 1), address,
                0, 0));
        return new NetnsLayout(id, bridge, hostAddress, prefix, out);
    }

    NetnsLayout with(NodeNet changed) {
        List<NodeNet> out = new ArrayList<>();
        for (NodeNet n : nodes) {
            out.add(n.node().equals(changed.node()) ? changed : n);
        }
        return new NetnsLayout(id, bridge, hostAddress, prefix, out);
    }

    Optional<NodeNet> node(String name) {
        return nodes.stream().filter(n -> n.node().equals(name)).findFirst();
    }

    static Path file(Path labRoot) {
        return labRoot.resolve("netns.tsv");
    }

    void write(Path labRoot) {
        StringBuilder b = new StringBuilder();
        b.append("lab\t").append(id).append('\t').append(bridge).append('\t').append(hostAddress).append('\t')
                .append(prefix).append('\n');
        for (NodeNet n : nodes) {
            b.append("node\t").append(n.node()).append('\t').append(n.namespace()).append('\t').append(n.veth())
                    .append('\t').append(n.address()).append('\t').append(n.sshdPid()).append('\t')
                    .append(n.sshdStartedAt()).append('\n');
        }
        try {
            Path tmp = file(labRoot).resolveSibling("netns.tsv.tmp");
            Files.createDirectories(labRoot);
            Files.writeString(tmp, b);
            Files.move(tmp, file(labRoot), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file(labRoot), e);
        }
    }

    public static Optional<NetnsLayout> read(Path labRoot) {
        Path f = file(labRoot);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            NetnsLayout layout = null;
            List<NodeNet> nodes = new ArrayList<>();
            for (String line : Files.readAllLines(f)) {
                String[] x = line.split("\t");
                if (x[0].equals("lab") && x.length == 5) {
                    layout = new NetnsLayout(x[1], x[2], x[3], Integer.parseInt(x[4]), List.of());
                } else if (x[0].equals("node") && x.length == 7) {
                    nodes.add(new NodeNet(x[1], x[2], x[3], x[4], Long.parseLong(x[5]), Long.parseLong(x[6])));
                }
            }
            return layout == null ? Optional.empty() : Optional.of(new NetnsLayout(layout.id(), layout.bridge(),
                    layout.hostAddress(), layout.prefix(), nodes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }
}
