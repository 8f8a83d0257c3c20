package lab.cloudconfig;

import java.util.ArrayList;
import java.util.List;

/** The validator's findings in the order the rules emitted them (by rule, then by document order). */
public final class Report {
    private final List<Entry> entries = new ArrayList<>();
    private String failure;

    /** A report for a validation that could not finish (upstream: a rule panicked); it has no entries. */
    static Report failed(String why) {
        Report r = new Report();
        r.failure = why;
        return r;
    }

    /** Why the validation could not finish, if it could not. */
    public java.util.Optional<String> failure() {
        return java.util.Optional.ofNullable(failure);
    }

    void error(int line, String message) {
        entries.add(new Entry(Entry.Kind.ERROR, line, message));
    }

    void warning(int line, String message) {
        entries.add(new Entry(Entry.Kind.WARNING, line, message));
    }

    void info(int line, String message) {
        entries.add(new Entry(Entry.Kind.INFO, line, message));
    }

    public List<Entry> entries() {
        return List.copyOf(entries);
    }

    public boolean hasErrors() {
        return entries.stream().anyMatch(e -> e.kind() == Entry.Kind.ERROR);
    }
}
