package lab.spec;

import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as people write them: 500ms, 5s, 1.5s, 2m. */
public final class Durations {
    private static final Pattern D = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");

    private Durations() {
    }

    public static Optional<Duration> parse(String s) {
        Matcher m = D.matcher(s == null ? "" : s.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        double v = Double.parseDouble(m.group(1));
        double ms = switch (m.group(2)) {
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m" -> v * 60_000;
            default -> v * 3_600_000;
        };
        return Optional.of(Duration.ofMillis(Math.round(ms)));
    }

    /** Like {@link #parse} for a command-line value; bad input names the flag. */
    public static Duration flag(String flag, String value) {
        return parse(value).orElseThrow(() -> new BadInputException(flag + " takes a duration like 500ms, 30s or 2m, "
                + "got \"" + value + "\""));
    }

    public static String format(Duration d) {
        long ms = d.toMillis();
        return ms < 1000 ? ms + " ms" : String.format("%.2f s", ms / 1000.0);
    }
}
