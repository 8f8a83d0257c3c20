package lab.provider;

import java.util.ArrayList;
import java.util.List;

/**
 * The part of a lab's state its daemon needs, as plain tab-separated lines next to state.json: the daemon starts
 * on the critical path of every bring-up, and reading state.json would cost it a JSON library's start-up (about
 * 330 ms of its 540 ms, measured).
 *
 * @param members the members that are not removed: name, loopback address
 * @param proxied whether the members' peer ports sit behind the daemon's proxies (local provider); netns nodes
 *     talk to each other directly, and their faults are iptables rules on the nodes
 * @param nodes every node that is not removed, for fleet: name, role, address, fleet metadata (k=v,k=v)
 * @param agentTtlSeconds fleet's agent TTL for the lab's machines
 */
public record DaemonView(String name, int block, String hostSpecAddress, boolean discovery, List<String[]> members,
                         boolean proxied, List<String[]> nodes, long agentTtlSeconds) {

    public DaemonView(String name, int block, String hostSpecAddress, boolean discovery, List<String[]> members,
                      boolean proxied) {
        this(name, block, hostSpecAddress, discovery, members, proxied, List.of(),
                lab.spec.FleetSettings.DEFAULT_TTL.toSeconds());
    }

    public static DaemonView of(LabState s) {
        List<String[]> m = new ArrayList<>();
        for (NodeState n : s.members()) {
            m.add(new String[] {n.name(), n.address()});
        }
        List<String[]> nodes = new ArrayList<>();
        for (NodeState n : s.nodes()) {
            if (n.process() != NodeState.Process.REMOVED) {
                nodes.add(new String[] {n.name(), n.role().id(), n.address(), fleetMetadata(s.userData().get(
                        n.name()))});
            }
        }
        return new DaemonView(s.name(), s.block(), s.hostSpecAddress(), s.discovery(), m,
                s.provider() == lab.spec.ProviderKind.LOCAL, nodes, agentTtlSeconds(s.userData()));
    }

    /** FLEET_METADATA from the node's /etc/lab/cluster.env, as its user-data writes it. */
    static String fleetMetadata(String userData) {
        return clusterEnv(userData, "FLEET_METADATA").orElse("");
    }

    /** A variable of the node's /etc/lab/cluster.env, as its user-data writes it. */
    static java.util.Optional<String> clusterEnv(String userData, String variable) {
        if (userData != null) {
            for (String line : userData.split("\n")) {
                String t = line.trim();
                if (t.startsWith(variable + "=")) {
                    return java.util.Optional.of(t.substring(variable.length() + 1));
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * The agents' TTL in seconds, FLEET_AGENT_TTL of the nodes' user-data (one value for the lab; labs brought up
     * before the setting existed get the default).
     */
    public static long agentTtlSeconds(java.util.Map<String, String> userData) {
        return userData.values().stream().map(u -> clusterEnv(u, "FLEET_AGENT_TTL")).flatMap(
                java.util.Optional::stream).findFirst().flatMap(lab.spec.Durations::parse).orElse(
                lab.spec.FleetSettings.DEFAULT_TTL).toSeconds();
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("lab\t").append(name).append('\t').append(block).append('\t').append(hostSpecAddress).append('\t')
                .append(discovery).append('\t').append(proxied).append('\n');
        for (String[] m : members) {
            b.append("member\t").append(m[0]).append('\t').append(m[1]).append('\n');
        }
        for (String[] n : nodes) {
            b.append("node\t").append(String.join("\t", n)).append('\n');
        }
        b.append("fleet\t").append(agentTtlSeconds).append('\n');
        return b.toString();
    }

    public static DaemonView parse(String text) {
        String name = null;
        int block = 0;
        String host = null;
        boolean discovery = false;
        boolean proxied = true;
        List<String[]> members = new ArrayList<>();
        List<String[]> nodes = new ArrayList<>();
        long ttl = lab.spec.FleetSettings.DEFAULT_TTL.toSeconds();
        for (String line : text.split("\n")) {
            String[] f = line.split("\t");
            if (f[0].equals("lab") && f.length == 6) {
                name = f[1];
                block = Integer.parseInt(f[2]);
                host = f[3];
                discovery = Boolean.parseBoolean(f[4]);
                proxied = Boolean.parseBoolean(f[5]);
            } else if (f[0].equals("member") && f.length == 3) {
                members.add(new String[] {f[1], f[2]});
            } else if (f[0].equals("node") && f.length >= 4) {
                nodes.add(new String[] {f[1], f[2], f[3], f.length > 4 ? f[4] : ""});
            } else if (f[0].equals("fleet") && f.length == 2) {
                ttl = Long.parseLong(f[1]);
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("not a daemon view: no lab line");
        }
        return new DaemonView(name, block, host, discovery, members, proxied, nodes, ttl);
    }
}
