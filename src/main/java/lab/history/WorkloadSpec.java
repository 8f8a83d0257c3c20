package lab.history;

/**
 * What a scenario's {@code workload:} asks for: {@code clients} concurrent clients issuing {@code rate} operations
 * per second in all over {@code keys} registers, read / write / compare-and-set in the proportions of the mix.
 */
public record WorkloadSpec(int clients, double rate, int keys, int read, int write, int cas) {

    public static final WorkloadSpec DEFAULT = new WorkloadSpec(4, 100, 8, 50, 40, 10);

    public int total() {
        return read + write + cas;
    }

    @Override
    public String toString() {
        return clients + " clients, " + (long) rate + "/s over " + keys + " keys, read " + read + " write " + write
                + " cas " + cas;
    }
}
