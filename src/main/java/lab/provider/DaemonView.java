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
 */
public record DaemonView(String name, int block, String hostSpecAddress, boolean discovery, List<String[]> members,
                         boolean proxied) {

    public static DaemonView of(LabState s) {
        List<String[]> m = new ArrayList<>();
        for (NodeState n : s.members()) {
            m.add(new String[] {n.name(), n.address()});
        }
        return new DaemonView(s.name(), s.block(), s.hostSpecAddress(), s.discovery(), m,
                s.provider() == lab.spec.ProviderKind.LOCAL);
    }

    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append("lab\t").append(name).append('\t').append(block).append('\t').append(hostSpecAddress).append('\t')
                .append(discovery).append('\t').append(proxied).append('\n');
        for (String[] m : members) {
            b.append("member\t").append(m[0]).append('\t').append(m[1]).append('\n');
        }
        return b.toString();
    }

    public static DaemonView parse(String text) {
        String name = null;
        int block = 0;
        String host = null;
        boolean discovery = false;
        boolean proxied = true;
        List<String[]> members = new ArrayList<>();
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
            }
        }
        if (name == null) {
            throw new IllegalArgumentException("not a daemon view: no lab line");
        }
        return new DaemonView(name, block, host, discovery, members, proxied);
    }
}
