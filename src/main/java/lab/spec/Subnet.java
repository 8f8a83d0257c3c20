package lab.spec;

import java.util.Optional;

/** The lab's private network, e.g. 172.17.8.0/24 as coreos-vagrant uses. */
public record Subnet(long network, int prefix) {

    public static final Subnet DEFAULT = parse("172.17.8.0/24").orElseThrow();

    /** Parses {@code a.b.c.d/n}; the address is masked to the network. */
    public static Optional<Subnet> parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        int prefix;
        try {
            prefix = Integer.parseInt(cidr.substring(slash + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (prefix < 1 || prefix > 32) {
            return Optional.empty();
        }
        return Ipv4.parse(cidr.substring(0, slash)).map(a -> new Subnet(a & mask(prefix), prefix));
    }

    private static long mask(int prefix) {
        return (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
    }

    public long size() {
        return 1L << (32 - prefix);
    }

    public long broadcast() {
        return network + size() - 1;
    }

    public boolean contains(long address) {
        return (address & mask(prefix)) == network;
    }

    /** The network plus {@code offset}, e.g. offset 101 is 172.17.8.101 in the default subnet. */
    public long at(long offset) {
        return network + offset;
    }

    /** The host's own address on the lab network (.1): VirtualBox's host-only adapter, the netns bridge. */
    public long hostAddress() {
        return network + 1;
    }

    @Override
    public String toString() {
        return Ipv4.format(network) + "/" + prefix;
    }
}
