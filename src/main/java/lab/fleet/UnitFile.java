package lab.fleet;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A systemd unit file read the way go-systemd's {@code unit} package (the parser fleet uses) reads it: options in file
 * order, repeated options and sections kept, values with their line continuations verbatim, and the same errors (a
 * section header without {@code ]} or with text after it, an option line without {@code =}, a line over 2048 bytes).
 */
public record UnitFile(List<Option> options, List<Section> sections) {

    /** Longest accepted line in bytes (systemd's LINE_MAX for unit files). */
    public static final int LINE_MAX = 2048;

    public record Option(String section, String name, String value) {
    }

    /** A section as written; two [Unit] headers are two sections here and one in {@link #options}. */
    public record Section(String name, List<Option> entries) {
    }

    /** A unit file that cannot be read; {@code line} is 1-based. */
    public static final class ParseException extends RuntimeException {
        private final int line;

        ParseException(int line, String message) {
            super(message);
            this.line = line;
        }

        public int line() {
            return line;
        }
    }

    public UnitFile {
        options = List.copyOf(options);
        sections = List.copyOf(sections);
    }

    /** Every value of an option, in file order, across repeated sections of that name. */
    public List<String> values(String section, String name) {
        return options.stream().filter(o -> o.section().equals(section) && o.name().equals(name))
                .map(Option::value).toList();
    }

    public Optional<String> last(String section, String name) {
        List<String> v = values(section, name);
        return v.isEmpty() ? Optional.empty() : Optional.of(v.get(v.size() - 1));
    }

    public static UnitFile parse(String text) {
        List<String> lines = new ArrayList<>(List.of(text.split("\n", -1)));
        if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
            lines.remove(lines.size() - 1); // the final newline ends the last line; it does not start another
        }
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).getBytes(StandardCharsets.UTF_8).length > LINE_MAX) {
                throw new ParseException(i + 1, "line too long (max " + LINE_MAX + " bytes)");
            }
        }
        List<Option> options = new ArrayList<>();
        List<Section> sections = new ArrayList<>();
        String section = null;
        List<Option> entries = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = strip(line);
            if (trimmed.startsWith("[")) {
                int end = trimmed.indexOf(']');
                if (end < 0) {
                    throw new ParseException(i + 1, "unable to find end of section");
                }
                String garbage = strip(trimmed.substring(end + 1));
                if (!garbage.isEmpty()) {
                    throw new ParseException(i + 1, "found garbage after section name : \"" + garbage + "\"");
                }
                section = trimmed.substring(1, end);
                entries = new ArrayList<>();
                sections.add(new Section(section, entries));
                continue;
            }
            if (section == null || trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue; // before the first section everything is ignored, garbage included
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ParseException(i + 1, "unexpected newline encountered while parsing option name");
            }
            String name = strip(line.substring(0, eq));
            StringBuilder value = new StringBuilder(line.substring(eq + 1));
            // A line ending in a backslash continues, verbatim (backslash and newline kept), comment-looking or not.
            while (lines.get(i).endsWith("\\") && i + 1 < lines.size()) {
                i++;
                value.append('\n').append(lines.get(i));
            }
            Option o = new Option(section, name, strip(value.toString()));
            options.add(o);
            entries.add(o);
        }
        List<Section> frozen = new ArrayList<>();
        sections.forEach(s -> frozen.add(new Section(s.name(), List.copyOf(s.entries()))));
        return new UnitFile(options, frozen);
    }

    /** Spaces and tabs off both ends; newlines inside a continued value stay. */
    private static String strip(String s) {
        int a = 0;
        int b = s.length();
        while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
            a++;
        }
        while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
            b--;
        }
        return s.substring(a, b);
    }
}
