package lab.spec;

/** A place in a file, 1-based, printed the way compilers and editors understand: {@code file:line:col}. */
public record Pos(String file, int line, int col) {

    /** The start of a file, for problems that concern the file as a whole. */
    public static Pos start(String file) {
        return new Pos(file, 1, 1);
    }

    /** A command-line flag, for a problem that comes from it and not from the file. */
    public static Pos flag(String flag) {
        return new Pos(flag, 0, 0);
    }

    @Override
    public String toString() {
        return line == 0 ? file : file + ":" + line + ":" + col;
    }
}
