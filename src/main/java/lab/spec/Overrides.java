package lab.spec;

/**
 * Command-line flags that win over lab.yaml; null means "not given".
 *
 * @param members replaces the member nodes by this many generated ones (proxies and workers stay)
 */
public record Overrides(String name, Integer members, ProviderKind provider, Profile profile, Bootstrap bootstrap) {

    public static Overrides none() {
        return new Overrides(null, null, null, null, null);
    }
}
