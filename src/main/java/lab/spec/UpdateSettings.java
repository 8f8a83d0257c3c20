package lab.spec;

/** The OS updater: {@code off} by default so no node reboots on its own in the middle of a lab. */
public record UpdateSettings(String rebootStrategy, String group) {

    public static UpdateSettings defaults() {
        return new UpdateSettings("off", null);
    }
}
