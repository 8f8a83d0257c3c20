package lab.provider.netns;

import lab.transport.Shell;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.provider.local.EtcdLaunch;
import lab.render.NodeEtcd;

/**
 * The {@code etcd.run} a namespace node's supervisor executes: what the node's systemd unit and drop-in would say
 * (the ETCD_* environment, then exec etcd), as a shell script.
 */
final class EtcdRun {
    private EtcdRun() {
    }

    /** A bash script (the supervisor runs it with bash): etcd is exec'd under a name that says lab and node. */
    static String script(NodeEtcd.Kind kind, Map<String, String> env, String etcd, String lab, String node) {
        StringBuilder b = new StringBuilder("# etcd of this node, from its user-data; written by lab\n");
        List<String> cmd = EtcdLaunch.command(kind, env);
        if (kind != NodeEtcd.Kind.GATEWAY) {
            // the gateway takes flags only; etcd would refuse ETCD_* variables that do not apply to it
            new TreeMap<>(env).forEach((k, v) -> b.append("export ").append(k).append('=').append(quote(v))
                    .append('\n'));
        }
        b.append("exec -a ").append(quote("etcd lab=" + lab + " node=" + node)).append(' ').append(quote(etcd));
        cmd.subList(1, cmd.size()).forEach(a -> b.append(' ').append(quote(a)));
        return b.append('\n').toString();
    }

    static String quote(String s) {
        return Shell.quote(s);
    }
}
