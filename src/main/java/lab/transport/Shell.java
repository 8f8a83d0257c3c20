package lab.transport;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Building POSIX shell command lines from values that may hold anything (a path, a unit name, a user's command):
 * the one place lab quotes for a shell, so that a value can never become shell syntax.
 */
public final class Shell {
    private static final java.util.regex.Pattern PLAIN = java.util.regex.Pattern.compile("[A-Za-z0-9@%+=:,./_-]+");

    private Shell() {
    }

    /** The value as one shell word: as it is when it has nothing special, else single-quoted. */
    public static String quote(String value) {
        return PLAIN.matcher(value).matches() ? value : "'" + value.replace("'", "'\\''") + "'";
    }

    /** The values as shell words, separated by spaces. */
    public static String words(List<String> values) {
        StringBuilder b = new StringBuilder();
        for (String v : values) {
            b.append(b.isEmpty() ? "" : " ").append(quote(v));
        }
        return b.toString();
    }

    /**
     * {@code command <<'MARKER'} followed by {@code content} and the marker: a here-document whose marker does not
     * occur in the content, so the content ends where it ends.
     */
    public static String heredoc(String command, String content) {
        String marker;
        do {
            marker = "LAB_EOF_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        } while (content.contains(marker));
        return command + " <<'" + marker + "'\n" + content + (content.endsWith("\n") ? "" : "\n") + marker;
    }
}
