package lab.spec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the members find each other the first time. */
public enum Bootstrap {
    /** Every member is told the full initial-cluster list: no token, no outside service. */
    STATIC,
    /** etcd's v2 discovery protocol, served by the lab itself (never discovery.etcd.io). */
    DISCOVERY;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Bootstrap> parse(String s) {
        return Arrays.stream(values()).filter(b -> b.id().equals(s)).findFirst();
    }
}
