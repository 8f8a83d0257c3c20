package lab.history;

/**
 * What a scenario's {@code workload:} asks for: {@code clients} concurrent clients issuing {@code rate} operations
 * per second in all over {@code keys} registers, read / write / compare-and-set in the proportions of the mix.
 *
 * @param serializable reads served from the answering member's own state ({@code reads: serializable}), which etcd
 *     documents as possibly stale; linearizable reads (the default) go through the leader's read index
 * @param clientsPerMember 0: {@code clients} clients, each over every member (jetcd picks one); N: N clients pinned
 *     to each member, so a stale read names the member that served it
 * @param watchers 0: no watch; N: N watchers of the workload's keys ({@code watch: {keys: prefix, clients: N}}),
 *     watcher i through member i; {@link #EACH_MEMBER}: one through each member (the default of a watch block)
 */
public record WorkloadSpec(int clients, double rate, int keys, int read, int write, int cas, boolean serializable,
                           int clientsPerMember, int watchers) {

    /** {@code watch:} without {@code clients:}: one watcher through each member. */
    public static final int EACH_MEMBER = -1;

    public static final WorkloadSpec DEFAULT = new WorkloadSpec(4, 100, 8, 50, 40, 10);

    public WorkloadSpec(int clients, double rate, int keys, int read, int write, int cas) {
        this(clients, rate, keys, read, write, cas, false, 0, 0);
    }

    /** @return the number of watchers on a lab with this many members */
    public int watchersOn(int members) {
        return watchers == EACH_MEMBER ? members : watchers;
    }

    public int total() {
        return read + write + cas;
    }

    /** @return the number of clients on a lab with this many members */
    public int clientsOn(int members) {
        return clientsPerMember > 0 ? clientsPerMember * members : clients;
    }

    @Override
    public String toString() {
        return (clientsPerMember > 0 ? clientsPerMember + " client(s) per member" : clients + " clients") + ", "
                + (long) rate + "/s over " + keys + " keys, read " + read + " write " + write + " cas " + cas
                + (serializable ? ", serializable reads" : "") + (watchers == EACH_MEMBER ? ", a watcher through "
                + "each member" : watchers > 0 ? ", " + watchers + " watcher(s)" : "");
    }
}
