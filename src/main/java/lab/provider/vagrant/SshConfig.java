package lab.provider.vagrant;

import java.util.LinkedHashMap;
import java.util.Map;

/** The output of `vagrant ssh-config`: an OpenSSH client config with a Host block per running machine. */
public final class SshConfig {

    /** How to reach one machine. */
    public record Host(String name, String hostName, int port, String user, String identityFile) {
    }

    private SshConfig() {
    }

    public static Map<String, Host> parse(String text) {
        Map<String, Host> out = new LinkedHashMap<>();
        String name = null;
        Map<String, String> opts = new LinkedHashMap<>();
        for (String raw : (text + "\nHost \n").split("\n")) {
            String line = raw.trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] kv = line.split("\\s+", 2);
            String key = kv[0].toLowerCase(java.util.Locale.ROOT);
            String value = kv.length > 1 ? unquote(kv[1].trim()) : "";
            if (key.equals("host")) {
                if (name != null) {
                    out.put(name, new Host(name, opts.getOrDefault("hostname", name),
                            Integer.parseInt(opts.getOrDefault("port", "22")), opts.getOrDefault("user", "vagrant"),
                            opts.getOrDefault("identityfile", "")));
                }
                name = value.isEmpty() ? null : value;
                opts.clear();
            } else {
                opts.putIfAbsent(key, value); // OpenSSH: the first value given wins
            }
        }
        return out;
    }

    private static String unquote(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }
}
