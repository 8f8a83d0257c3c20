package lab.spec;

/**
 * etcd tuning shared by every member.
 *
 * <p>pre-vote defaults to on: without it a member that was isolated and comes back forces a new election with its
 * inflated term and deposes a healthy leader, which is exactly the noise a partition demo must not show (etcd 3.5
 * turned it on by default for the same reason; Debian's 3.4 still defaults to off).
 *
 * @param dataDir null for the profile's default ({@link #defaultDataDir})
 * @param quotaBackendBytes the backend's space quota ({@code quota-backend-bytes: 16MiB}); 0 for etcd's default
 *     (2 GiB). Past it etcd raises the NOSPACE alarm and refuses writes until it is compacted, defragmented and the
 *     alarm disarmed.
 */
public record EtcdSettings(int heartbeatMs, int electionMs, int snapshotCount, boolean preVote, boolean enableV2,
                           String dataDir, String version, long quotaBackendBytes) {

    private static final java.util.regex.Pattern SIZE = java.util.regex.Pattern.compile(
            "(\\d+)\\s*(B|KiB|MiB|GiB|KB|MB|GB)?");

    /**
     * @param text a size like {@code 16MiB}, {@code 512KiB}, {@code 2GiB} or plain bytes (KB, MB and GB are taken as
     *     powers of 1000, as etcd's own documentation writes them)
     * @return the bytes, or -1 when the text is not a size
     */
    public static long bytes(String text) {
        java.util.regex.Matcher m = SIZE.matcher(text.trim());
        if (!m.matches() || m.group(1).length() > 12) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2);
        return n * switch (unit) {
            case "KiB" -> 1L << 10;
            case "MiB" -> 1L << 20;
            case "GiB" -> 1L << 30;
            case "KB" -> 1000L;
            case "MB" -> 1000_000L;
            case "GB" -> 1000_000_000L;
            default -> 1L;
        };
    }

    /** The data directory when lab.yaml does not set one: where each OS's etcd unit keeps its data. */
    public static String defaultDataDir(Profile profile) {
        return profile == Profile.COREOS ? "/var/lib/etcd2" : "/var/lib/etcd";
    }

    public static final int CLIENT_PORT = 2379;
    public static final int PEER_PORT = 2380;

    public static EtcdSettings defaults() {
        return new EtcdSettings(100, 1000, 10000, true, false, null, "v3.4.23", 0);
    }
}
