package lab.cloudconfig;

/**
 * Which coreos-cloudinit to behave like. v1.13.0 is the validator of the CoreOS releases that shipped etcd2 and
 * fleet, so it is the default; v1.14.0 (the last) marks coreos.etcd, etcd2 and fleet deprecated and drops
 * {@code best-effort} from update.reboot_strategy.
 */
public enum Version {
    V1_13, V1_14;

    public static Version parse(String s) {
        return switch (s.replaceFirst("^v", "")) {
            case "1.13", "1.13.0" -> V1_13;
            case "1.14", "1.14.0" -> V1_14;
            default -> throw new IllegalArgumentException("unknown coreos-cloudinit version " + s + " (1.13 or 1.14)");
        };
    }
}
