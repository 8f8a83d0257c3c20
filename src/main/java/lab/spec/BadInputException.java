package lab.spec;

import java.util.List;
import java.util.stream.Collectors;

/** The user's input (a spec, a scenario, user-data, a flag) is wrong; the CLI maps this to exit code 2. */
public class BadInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final transient List<Problem> problems;

    public BadInputException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public BadInputException(String message) {
        super(message);
        this.problems = List.of();
    }

    /** The problems with their places; empty when the message alone says it (a bad flag, say). */
    public List<Problem> problems() {
        return problems;
    }
}
