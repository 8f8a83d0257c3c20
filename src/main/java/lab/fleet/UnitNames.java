package lab.fleet;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** systemd-escape for unit names, as go-systemd does it (and fleet with it): escape and unescape, plain or path. */
public final class UnitNames {
    private UnitNames() {
    }

    public static String escape(String s) {
        return escapeBytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A path: slashes at both ends dropped, runs of slashes made one, then escaped; the root is "-". */
    public static String escapePath(String path) {
        String p = path.replaceAll("/+", "/").replaceAll("^/|/$", "");
        return p.isEmpty() ? "-" : escape(p);
    }

    private static String escapeBytes(byte[] b) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < b.length; i++) {
            int c = b[i] & 0xff;
            if (c == '/') {
                out.append('-');
            } else if ((c == '.' && i > 0) || c == ':' || c == '_' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')) {
                out.append((char) c);
            } else {
                out.append(String.format("\\x%02x", c));
            }
        }
        return out.toString();
    }

    /** "-" becomes "/", a valid \xHH its byte; anything else, malformed escapes included, stays as it is. */
    public static String unescape(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i++) {
            if (b[i] == '-') {
                out.write('/');
            } else if (b[i] == '\\' && i + 3 < b.length && b[i + 1] == 'x' && hex(b[i + 2]) >= 0
                    && hex(b[i + 3]) >= 0) {
                out.write(hex(b[i + 2]) * 16 + hex(b[i + 3]));
                i += 3;
            } else {
                out.write(b[i]);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The path a name stands for: always absolute. */
    public static String unescapePath(String s) {
        String u = unescape(s);
        return u.startsWith("/") ? u : "/" + u;
    }

    private static int hex(byte c) {
        return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F'
                ? c - 'A' + 10 : -1;
    }
}
