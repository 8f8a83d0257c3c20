package lab.spec;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** Checks that need the whole resolved spec: names, addresses, the shape of the etcd cluster. */
public final class SpecChecks {
    static final Pattern SSH_KEY = Pattern.compile(
            "(ssh-ed25519|ssh-rsa|ssh-dss|ecdsa-sha2-nistp(256|384|521)|sk-ssh-ed25519@openssh.com) [A-Za-z0-9+/]+=*( .*)?");
    private static final Pattern HOSTNAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern LAB_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

    /**
     * Whether {@code name} is a valid lab name (1-32 lowercase letters, digits or '-', not at either end): it
     * becomes a directory under .lab/, part of VM and device names, never a path of its own.
     */
    public static boolean labName(String name) {
        return name != null && LAB_NAME.matcher(name).matches();
    }

    /** The message for a name that is not one. */
    public static String labNameProblem(String name) {
        return "lab name \"" + name + "\" must be 1-32 lowercase letters, digits or '-' (it names directories, VMs "
                + "and network devices)";
    }
    /** etcd refuses to grow past this many voters in practice; the raft paper's arithmetic stops helping long before. */
    static final int MAX_MEMBERS = 9;

    private SpecChecks() {
    }

    static void check(LabSpec spec, YamlMap top, Problems problems) {
        check(spec, top, problems, Overrides.none());
    }

    static void check(LabSpec spec, YamlMap top, Problems problems, Overrides overrides) {
        if (!LAB_NAME.matcher(spec.name()).matches()) {
            problems.error(top.valuePos("name"), "lab name \"" + spec.name() + "\" must be 1-32 lowercase letters, "
                    + "digits or '-' (it names directories, VMs and network devices)");
        }
        Subnet s = spec.subnet();
        if ((s.network() >>> 24) == 127) {
            problems.error(top.valuePos("subnet"), "subnet " + s + " is loopback; the local provider maps the lab "
                    + "subnet into 127.0.0.0/8 itself, so give the network the nodes would have as VMs");
        } else if (s.prefix() < 8 || s.prefix() > 29) {
            problems.error(top.valuePos("subnet"), "subnet " + s + " must have a prefix between /8 and /29");
        }
        Map<String, NodeSpec> names = new HashMap<>();
        Map<String, NodeSpec> addresses = new HashMap<>();
        for (NodeSpec n : spec.nodes()) {
            if (!HOSTNAME.matcher(n.name()).matches()) {
                problems.error(n.origin(), "node name \"" + n.name() + "\" is not a valid hostname (lowercase "
                        + "letters, digits and '-', not starting or ending with '-')");
            }
            NodeSpec before = names.putIfAbsent(n.name(), n);
            if (before != null) {
                problems.error(n.origin(), "duplicate node name \"" + n.name() + "\" (also at " + before.origin() + ")");
            }
            NodeSpec sameAddress = addresses.putIfAbsent(n.address(), n);
            if (sameAddress != null && before == null) {
                problems.error(n.origin(), "duplicate address " + n.address() + ": " + sameAddress.name() + " and "
                        + n.name());
            }
        }
        members(spec, top, problems, overrides);
    }

    private static void members(LabSpec spec, YamlMap top, Problems problems, Overrides overrides) {
        int members = spec.members().size();
        int proxies = spec.withRole(Role.PROXY).size();
        int workers = spec.withRole(Role.WORKER).size();
        // a count given on the command line is the flag's, not the file's (which may say another number)
        Pos at = overrides.members() != null ? Pos.flag("--nodes " + overrides.members()) : top.has("nodes")
                ? top.keyPos("nodes") : top.has("groups") ? top.keyPos("groups") : top.pos();
        if (members == 0 && proxies + workers > 0) {
            problems.error(at, plural(workers, "worker") + " and " + plural(proxies, "prox", "y", "ies")
                    + " but no member: they need etcd members to talk to");
        } else if (members == 0) {
            problems.error(at, "no member: a lab needs at least one etcd member");
        } else if (members > MAX_MEMBERS) {
            problems.error(at, members + " members: at most " + MAX_MEMBERS + " voting members are supported (every "
                    + "write waits for a majority; more members only slow it down). Use proxies or workers for the rest");
        } else if (members % 2 == 0) {
            problems.warning(at, members + " members tolerate " + (members - 1) / 2 + " failure(s), the same as "
                    + (members - 1) + ": the extra member adds no fault tolerance (use an odd count)");
        }
    }

    static void etcd(EtcdSettings e, YamlMap m) {
        if (e.electionMs() < 5 * e.heartbeatMs()) {
            m.problems().error(m.valuePos("election-timeout"), "election-timeout " + e.electionMs()
                    + " ms must be at least 5 x heartbeat-interval (" + 5 * e.heartbeatMs() + " ms); etcd refuses to "
                    + "start otherwise");
        }
        if (e.dataDir() != null && !e.dataDir().startsWith("/")) {
            m.problems().error(m.valuePos("data-dir"), "data-dir \"" + e.dataDir() + "\" must be an absolute path");
        }
        if (!e.version().matches("v\\d+\\.\\d+\\.\\d+")) {
            m.problems().error(m.valuePos("version"), "version \"" + e.version() + "\" must look like v3.4.23 (the "
                    + "etcd image tag on Flatcar)");
        }
    }

    private static String plural(int n, String word) {
        return plural(n, word, "", "s");
    }

    private static String plural(int n, String stem, String one, String many) {
        return n + " " + stem + (n == 1 ? one : many);
    }
}
