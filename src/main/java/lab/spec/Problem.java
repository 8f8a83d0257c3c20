package lab.spec;

/** One finding about an input file, with where it is. */
public record Problem(Severity severity, Pos pos, String message) {

    @Override
    public String toString() {
        return pos + ": " + severity.label() + ": " + message;
    }
}
