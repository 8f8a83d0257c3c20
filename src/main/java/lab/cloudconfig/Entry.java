package lab.cloudconfig;

/** One finding of the cloud-config validator, as coreos-cloudinit reports it. */
public record Entry(Kind kind, int line, String message) {

    public enum Kind {
        ERROR, WARNING, INFO;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** coreos-cloudinit's string form: {@code line 3: warning: unrecognized key "bad"}. */
    @Override
    public String toString() {
        return "line " + line + ": " + kind.label() + ": " + message;
    }
}
