package lab.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** What a node is for in the cluster. */
public enum Role {
    /** A voting etcd member. */
    MEMBER,
    /** A stateless node running an etcd proxy (CoreOS) or gateway (Flatcar) toward the members. */
    PROXY,
    /** No etcd; reaches the members as a client and carries fleet metadata. */
    WORKER;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Role> parse(String s) {
        return Arrays.stream(values()).filter(r -> r.id().equals(s)).findFirst();
    }
}
