package lab.cloudconfig;

/**
 * Which coreos-cloudinit to behave like. v1.13.0 is the validator of the CoreOS releases that shipped etcd2 and
 * fleet; v1.14.0 (the last of CoreOS) marks coreos.etcd, etcd2 and fleet deprecated and drops {@code best-effort}
 * from update.reboot_strategy. FLATCAR is current Flatcar's (flatcar/coreos-cloudinit): v1.14.0's rules, and since
 * Flatcar 3975.2.0 its loader reads keys only as declared, with '_' (commit 1bbfd30 removed the '-' to '_'
 * conversion; flatcar/scripts changelog/changes/2024-02-23-coreos-cloudinit.md), ignoring the rest without a word,
 * while its validator still converts them first and so says nothing either. Here a hyphenated key is an error.
 */
public enum Version {
    V1_13, V1_14, FLATCAR;

    public static Version parse(String s) {
        return switch (s.replaceFirst("^v", "")) {
            case "1.13", "1.13.0" -> V1_13;
            case "1.14", "1.14.0" -> V1_14;
            case "flatcar" -> FLATCAR;
            default -> throw new IllegalArgumentException("unknown coreos-cloudinit version " + s
                    + " (1.13, 1.14 or flatcar)");
        };
    }

    /** The name users give it with --cloudinit. */
    public String label() {
        return switch (this) {
            case V1_13 -> "1.13";
            case V1_14 -> "1.14";
            case FLATCAR -> "flatcar";
        };
    }
}
