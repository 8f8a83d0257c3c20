package lab.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How nodes come to exist. */
public enum ProviderKind {
    /** etcd processes on loopback addresses; no root, no VM. */
    LOCAL,
    /** Linux network namespaces with their own address, sshd and iptables; root. */
    NETNS,
    /** VMs from the rendered Vagrantfile. */
    VAGRANT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<ProviderKind> parse(String s) {
        return Arrays.stream(values()).filter(p -> p.id().equals(s)).findFirst();
    }
}
