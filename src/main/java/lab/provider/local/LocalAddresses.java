package lab.provider.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.spec.Ipv4;

/**
 * The local provider's addresses: a spec address a.b.c.d becomes 127.B.c.d, where B is the lab's block. The
 * default block is the subnet's second octet (172.17.8.101 becomes 127.17.8.101); a lab whose block is taken moves
 * to the next free one. 127.0.x.x (and so 127.0.0.1, which a distribution's own etcd may hold) is never used.
 */
public final class LocalAddresses {
    private static final Pattern IPV4 = Pattern.compile("(?<![0-9.])(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3})(?![0-9])");
    private final int block;

    public LocalAddresses(int block) {
        if (block < 1 || block > 254) {
            throw new IllegalArgumentException("block " + block);
        }
        this.block = block;
    }

    public int block() {
        return block;
    }

    public String map(String specAddress) {
        long a = Ipv4.parse(specAddress).orElseThrow();
        return "127." + block + "." + ((a >> 8) & 255) + "." + (a & 255);
    }

    /** Rewrites every address of {@code known} found in {@code value} (URLs, initial-cluster lists). */
    public String rewrite(String value, List<String> known) {
        Map<String, String> m = new java.util.HashMap<>();
        known.forEach(k -> m.put(k, map(k)));
        Matcher x = IPV4.matcher(value);
        StringBuilder b = new StringBuilder();
        while (x.find()) {
            x.appendReplacement(b, Matcher.quoteReplacement(m.getOrDefault(x.group(1), x.group(1))));
        }
        x.appendTail(b);
        return b.toString();
    }

    /** The first of {@code host:port} pairs something already listens on, or null when all are free. */
    public static String firstInUse(List<String> hosts, int... ports) {
        for (String h : hosts) {
            for (int p : ports) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(h, p));
                } catch (IOException e) {
                    return h + ":" + p;
                }
            }
        }
        return null;
    }
}
