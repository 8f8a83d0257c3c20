package lab.spec;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Dotted-quad IPv4 addresses as unsigned 32-bit values held in a long. */
public final class Ipv4 {
    private static final Pattern QUAD = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");

    private Ipv4() {
    }

    public static Optional<Long> parse(String s) {
        Matcher m = QUAD.matcher(s == null ? "" : s.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long v = 0;
        for (int i = 1; i <= 4; i++) {
            int octet = Integer.parseInt(m.group(i));
            if (octet > 255 || (m.group(i).length() > 1 && m.group(i).startsWith("0"))) {
                return Optional.empty();
            }
            v = (v << 8) | octet;
        }
        return Optional.of(v);
    }

    public static String format(long v) {
        return ((v >> 24) & 255) + "." + ((v >> 16) & 255) + "." + ((v >> 8) & 255) + "." + (v & 255);
    }
}
