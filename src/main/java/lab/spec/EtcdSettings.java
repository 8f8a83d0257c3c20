package lab.spec;

/**
 * etcd tuning shared by every member.
 *
 * <p>pre-vote defaults to on: without it a member that was isolated and comes back forces a new election with its
 * inflated term and deposes a healthy leader, which is exactly the noise a partition demo must not show (etcd 3.5
 * turned it on by default for the same reason; Debian's 3.4 still defaults to off).
 *
 * @param dataDir null for the profile's default ({@link #defaultDataDir})
 */
public record EtcdSettings(int heartbeatMs, int electionMs, int snapshotCount, boolean preVote, boolean enableV2,
                           String dataDir, String version) {

    /** The data directory when lab.yaml does not set one: where each OS's etcd unit keeps its data. */
    public static String defaultDataDir(Profile profile) {
        return profile == Profile.COREOS ? "/var/lib/etcd2" : "/var/lib/etcd";
    }

    public static final int CLIENT_PORT = 2379;
    public static final int PEER_PORT = 2380;

    public static EtcdSettings defaults() {
        return new EtcdSettings(100, 1000, 10000, true, false, null, "v3.4.23");
    }
}
