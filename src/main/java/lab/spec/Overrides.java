package lab.spec;

/**
 * Command-line flags that win over lab.yaml; null means "not given".
 *
 * @param members replaces the member nodes by this many generated ones (proxies and workers stay)
 * @param subnet replaces the spec's subnet (generated addresses follow it; explicit ones must lie inside it)
 */
public record Overrides(String name, Integer members, ProviderKind provider, Profile profile, Bootstrap bootstrap,
                        Subnet subnet) {

    public Overrides(String name, Integer members, ProviderKind provider, Profile profile, Bootstrap bootstrap) {
        this(name, members, provider, profile, bootstrap, null);
    }

    public static Overrides none() {
        return new Overrides(null, null, null, null, null, null);
    }
}
