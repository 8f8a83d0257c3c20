package lab.provider.local;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import lab.daemon.Daemon;
import lab.render.NodeEtcd;
import lab.spec.EnvironmentException;

/**
 * Turns what a node's user-data says (etcd's variables, boot placeholders filled in) into a local process: the
 * spec's addresses mapped into the lab's loopback block, the data directory under .lab/, etcd's peer listener
 * moved behind the lab's peer proxy, and node-local loopback listeners dropped (on this provider every node shares
 * one loopback).
 */
public final class EtcdLaunch {
    private EtcdLaunch() {
    }

    /** etcd from PATH, or $LAB_ETCD; a clear message when neither exists. */
    /**
     * The command run under a name that says whose member it is: {@code ps} shows "etcd lab=demo node=core-02 ...",
     * not a bare /usr/bin/etcd among others (bash's exec -a sets argv[0]; the PID stays the one recorded).
     */
    public static java.util.List<String> titled(java.util.List<String> cmd, String lab, String node) {
        java.util.List<String> out = new java.util.ArrayList<>(java.util.List.of("bash", "-c", "exec -a \"$0\" \"$@\"",
                "etcd lab=" + lab + " node=" + node));
        out.addAll(cmd);
        return out;
    }

    public static String etcdBinary() {
        String explicit = System.getenv("LAB_ETCD");
        if (explicit != null && !explicit.isBlank()) {
            if (!new java.io.File(explicit).canExecute()) {
                throw new EnvironmentException("LAB_ETCD=" + explicit + " is not an executable file");
            }
            return explicit;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            java.io.File f = new java.io.File(dir, "etcd");
            if (f.canExecute()) {
                return f.getPath();
            }
        }
        throw new EnvironmentException("etcd is not installed: install Debian's etcd-server and etcd-client "
                + "(sudo apt-get install -y etcd-server etcd-client), or point LAB_ETCD at an etcd binary");
    }

    public static Map<String, String> env(NodeEtcd etcd, LocalAddresses addresses, List<String> specAddresses,
                                   String dataDir) {
        Map<String, String> env = new LinkedHashMap<>();
        etcd.env().forEach((k, v) -> env.put(k, addresses.rewrite(v, specAddresses)));
        if (env.containsKey("ETCD_DATA_DIR")) {
            env.put("ETCD_DATA_DIR", dataDir);
        }
        if (env.containsKey("ETCD_LISTEN_CLIENT_URLS")) {
            env.put("ETCD_LISTEN_CLIENT_URLS", Arrays.stream(env.get("ETCD_LISTEN_CLIENT_URLS").split(","))
                    .filter(u -> !u.contains("//127.0.0.1:") && !u.contains("//localhost:"))
                    .collect(Collectors.joining(",")));
        }
        if (env.containsKey("ETCD_LISTEN_PEER_URLS")) {
            env.put("ETCD_LISTEN_PEER_URLS", env.get("ETCD_LISTEN_PEER_URLS").replace(":2380",
                    ":" + Daemon.HIDDEN_PEER_PORT));
        }
        return env;
    }

    /**
     * A TLS lab's certificate paths (the user-data's {@value lab.render.EtcdEnv#CERT_DIR}, where a VM gets its
     * files) pointed at the node's own files in the lab's pki/ folder on this machine.
     */
    public static void localCerts(Map<String, String> env, java.nio.file.Path pkiDir, String node) {
        String dir = lab.render.EtcdEnv.CERT_DIR + "/";
        env.remove("ETCD_SSL_DIR"); // the wrapper's, not etcd's
        env.replaceAll((k, v) -> v.startsWith(dir) ? pkiDir.resolve(v.substring(dir.length())
                .replace("member.", node + ".")).toString() : v);
    }

    public static List<String> command(NodeEtcd.Kind kind, Map<String, String> env) {
        List<String> cmd = new ArrayList<>();
        cmd.add(etcdBinary());
        if (kind == NodeEtcd.Kind.GATEWAY) {
            cmd.addAll(List.of("gateway", "start", "--listen-addr=" + env.get("ETCD_GATEWAY_LISTEN_ADDR"),
                    "--endpoints=" + env.get("ETCD_GATEWAY_ENDPOINTS")));
        }
        return cmd;
    }
}
