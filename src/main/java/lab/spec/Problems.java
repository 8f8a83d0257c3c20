package lab.spec;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Collects every problem of an input before anything starts, so a user fixes a file in one pass instead of one
 * error per run.
 */
public final class Problems {
    private final List<Problem> all = new ArrayList<>();

    public void error(Pos pos, String message) {
        all.add(new Problem(Severity.ERROR, pos, message));
    }

    public void warning(Pos pos, String message) {
        all.add(new Problem(Severity.WARNING, pos, message));
    }

    public void add(Problem p) {
        all.add(p);
    }

    public void addAll(List<Problem> problems) {
        all.addAll(problems);
    }

    public boolean hasErrors() {
        return all.stream().anyMatch(p -> p.severity() == Severity.ERROR);
    }

    /** Every problem, in file order. */
    public List<Problem> list() {
        List<Problem> sorted = new ArrayList<>(all);
        sorted.sort(Comparator.comparing((Problem p) -> p.pos().file())
                .thenComparingInt(p -> p.pos().line())
                .thenComparingInt(p -> p.pos().col()));
        return List.copyOf(sorted);
    }

    public List<Problem> warnings() {
        return list().stream().filter(p -> p.severity() == Severity.WARNING).toList();
    }

    /** Throws a {@link BadInputException} carrying every problem when at least one is an error. */
    public void throwIfErrors() {
        if (hasErrors()) {
            throw new BadInputException(list());
        }
    }
}
