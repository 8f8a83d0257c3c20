package lab.fleet;

/**
 * Go's {@code path.Match}, which fleet uses for Conflicts and Replaces: {@code *} any run of characters but '/',
 * {@code ?} one such character, {@code [abc]}, {@code [a-z]}, {@code [^x]} classes, backslash escapes. The whole name
 * must match; a malformed pattern matches nothing.
 */
public final class Glob {
    private Glob() {
    }

    public static boolean matches(String pattern, String name) {
        try {
            return match(pattern, 0, name, 0);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private static boolean match(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                while (pi < p.length() && p.charAt(pi) == '*') {
                    pi++;
                }
                for (int k = si; k <= s.length(); k++) {
                    if (match(p, pi, s, k)) {
                        return true;
                    }
                    if (k < s.length() && s.charAt(k) == '/') {
                        break;
                    }
                }
                checkRest(p, pi);
                return false;
            }
            if (si >= s.length()) {
                checkRest(p, pi);
                return false;
            }
            char x = s.charAt(si);
            if (c == '?') {
                if (x == '/') {
                    return false;
                }
                pi++;
            } else if (c == '[') {
                int end = classEnd(p, pi);
                if (!inClass(p, pi + 1, end, x) || x == '/') {
                    checkRest(p, end + 1);
                    return false;
                }
                pi = end + 1;
            } else {
                if (c == '\\') {
                    pi++;
                    if (pi >= p.length()) {
                        throw new IllegalArgumentException("trailing backslash");
                    }
                    c = p.charAt(pi);
                }
                if (c != x) {
                    return false;
                }
                pi++;
            }
            si++;
        }
        return si == s.length();
    }

    /** Go reports a malformed pattern even after a mismatch; a malformed pattern matches nothing. */
    private static void checkRest(String p, int pi) {
        for (int i = pi; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '\\') {
                if (++i >= p.length()) {
                    throw new IllegalArgumentException("trailing backslash");
                }
            } else if (c == '[') {
                i = classEnd(p, i);
            }
        }
    }

    private static int classEnd(String p, int open) {
        int i = open + 1;
        if (i < p.length() && p.charAt(i) == '^') {
            i++;
        }
        boolean first = true;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == ']' && !first) {
                return i;
            }
            if (c == '\\') {
                i++;
            }
            first = false;
            i++;
        }
        throw new IllegalArgumentException("unterminated class");
    }

    private static boolean inClass(String p, int from, int end, char x) {
        boolean negate = from < end && p.charAt(from) == '^';
        int i = negate ? from + 1 : from;
        boolean hit = false;
        while (i < end) {
            char lo = p.charAt(i);
            if (lo == '\\') {
                lo = p.charAt(++i);
            }
            char hi = lo;
            if (i + 2 < end && p.charAt(i + 1) == '-') {
                hi = p.charAt(i + 2);
                if (hi == '\\') {
                    hi = p.charAt(i + 3);
                    i++;
                }
                i += 2;
            }
            if (lo <= x && x <= hi) {
                hit = true;
            }
            i++;
        }
        return hit != negate;
    }
}
