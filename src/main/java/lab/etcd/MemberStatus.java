package lab.etcd;

/**
 * What one member says about itself ({@code etcdctl endpoint status}); ids are etcd's uint64 member ids in hex.
 *
 * @param leaderId the member it believes leads, or 0 when it knows no leader
 */
public record MemberStatus(String endpoint, long memberId, long leaderId, long raftTerm, long raftIndex,
                           long appliedIndex, long dbSize, boolean learner, String version, long revision) {

    public boolean isLeader() {
        return memberId != 0 && memberId == leaderId;
    }

    public static String hex(long id) {
        return id == 0 ? "" : Long.toHexString(id);
    }
}
