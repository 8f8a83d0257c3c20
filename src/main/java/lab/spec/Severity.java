package lab.spec;

/** How bad a problem is: errors stop the command; warnings and notes are printed and the command goes on. */
public enum Severity {
    ERROR, WARNING, INFO;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
