package lab.render;

import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Reads etcd's settings back out of rendered user-data, the way a booting node would get them: the etcd-member
 * drop-in or etcd-gateway unit on Flatcar, the coreos.etcd2 section on CoreOS. The stand-in providers start etcd
 * from this, so the configuration proven on loopback is the one VMs boot with, not a second copy of the logic.
 */
public final class EtcdEnvReader {
    private static final Pattern ENVIRONMENT = Pattern.compile("^Environment=\"([A-Z0-9_]+)=(.*)\"$",
            Pattern.MULTILINE);

    private EtcdEnvReader() {
    }

    /**
     * @param privateIp what {@code $private_ipv4} and {@code $public_ipv4} become on this node
     * @param hostname what systemd's {@code %H} becomes
     */
    @SuppressWarnings("unchecked")
    public static NodeEtcd read(String userData, String privateIp, String hostname) {
        String text = userData.replace(EtcdEnv.PRIVATE_IPV4, privateIp).replace(EtcdEnv.PUBLIC_IPV4, privateIp);
        Map<String, Object> doc = new Yaml(new SafeConstructor(new LoaderOptions())).load(new StringReader(text));
        Map<String, Object> coreos = doc == null ? Map.of() : (Map<String, Object>) doc.getOrDefault("coreos", Map.of());
        Object etcd2 = coreos.get("etcd2");
        if (etcd2 instanceof Map<?, ?> m) {
            Map<String, String> env = new LinkedHashMap<>();
            // classic CoreOS's coreos-cloudinit turned '-' into '_' in every key, so either spelling counts there
            m.forEach((k, v) -> env.put("ETCD_" + k.toString().toUpperCase(Locale.ROOT).replace('-', '_'),
                    specifiers(String.valueOf(v), hostname)));
            // etcd2 always served the v2 API (fleet and etcd2 proxies need it); etcd 3.4 serves it only when asked.
            env.putIfAbsent("ETCD_ENABLE_V2", "true");
            return new NodeEtcd("on".equals(env.get("ETCD_PROXY")) ? NodeEtcd.Kind.V2_PROXY : NodeEtcd.Kind.MEMBER,
                    env);
        }
        for (Object u : (List<Object>) coreos.getOrDefault("units", List.of())) {
            Map<String, Object> unit = (Map<String, Object>) u;
            String name = String.valueOf(unit.get("name"));
            if (name.equals("etcd-member.service")) {
                Map<String, String> env = new LinkedHashMap<>();
                // Only drop_ins: Flatcar's coreos-cloudinit ignores "drop-ins" (no key conversion since 3975.2.0),
                // so a node booted from such user-data would run etcd with none of these settings; so does this one.
                for (Object d : (List<Object>) unit.getOrDefault("drop_ins", List.of())) {
                    env.putAll(environment(String.valueOf(((Map<String, Object>) d).get("content")), hostname));
                }
                env.remove("ETCD_IMAGE_TAG");
                return new NodeEtcd(NodeEtcd.Kind.MEMBER, env);
            }
            if (name.equals(GatewayUnit.NAME)) {
                Map<String, String> env = environment(String.valueOf(unit.get("content")), hostname);
                env.remove("ETCD_IMAGE_TAG");
                return new NodeEtcd(NodeEtcd.Kind.GATEWAY, env);
            }
        }
        return new NodeEtcd(NodeEtcd.Kind.NONE, Map.of());
    }

    private static Map<String, String> environment(String unitText, String hostname) {
        Map<String, String> env = new LinkedHashMap<>();
        Matcher m = ENVIRONMENT.matcher(unitText);
        while (m.find()) {
            env.put(m.group(1), specifiers(m.group(2), hostname));
        }
        return env;
    }

    /** The systemd specifiers the renderer uses: %H (hostname) and %% (a literal %). */
    private static String specifiers(String value, String hostname) {
        return value.replace("%%", "\u0000").replace(EtcdEnv.HOSTNAME, hostname).replace("\u0000", "%");
    }
}
