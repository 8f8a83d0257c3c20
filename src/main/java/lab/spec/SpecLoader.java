package lab.spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads lab.yaml into a {@link LabSpec}: every key checked, every problem reported with {@code file:line:col}
 * before anything starts. The format is documented in README.md ("The spec").
 */
public final class SpecLoader {
    /** The name a lab gets when neither lab.yaml nor --name gives one. */
    public static final String DEFAULT_NAME = "lab";
    public static final int DEFAULT_MEMBERS = 3;

    private SpecLoader() {
    }

    /** A spec plus the warnings found while reading it (errors are thrown). */
    public record Loaded(LabSpec spec, List<Problem> warnings) {
    }

    public static Loaded load(Path file, Overrides overrides) {
        return load(file, file.toString(), overrides);
    }

    /** @param display the file's name in messages (relative to where the user is) */
    public static Loaded load(Path file, String display, Overrides overrides) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            throw new BadInputException(display + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(display + ": cannot read: " + e.getMessage());
        }
        return parse(display, text, overrides);
    }

    /** The spec of a lab that has no lab.yaml: 3 members, flatcar, static bootstrap, flags applied. */
    public static Loaded defaults(Overrides overrides) {
        return parse("<defaults>", "", overrides);
    }

    public static Loaded parse(String file, String text, Overrides overrides) {
        Problems problems = new Problems();
        Optional<Node> root = YamlText.parse(file, text, problems);
        problems.throwIfErrors();
        return parse(file, root.orElse(null), "the top level", overrides, problems);
    }

    /**
     * Reads a spec from an already parsed mapping (a scenario's {@code lab:} block), adding its problems to
     * {@code problems}, with positions in the file the mapping came from.
     */
    public static Loaded parse(String file, Node root, String where, Overrides overrides, Problems problems) {
        YamlMap top = YamlMap.of(file, where, root, problems);

        String nameInFile = top.string("name", DEFAULT_NAME);
        String name = overrides.name() != null ? overrides.name() : nameInFile;
        ProviderKind provider = choice(top, "provider", ProviderKind::parse, ProviderKind.LOCAL, overrides.provider());
        Profile profile = choice(top, "profile", Profile::parse, Profile.FLATCAR, overrides.profile());
        Bootstrap bootstrap = choice(top, "bootstrap", Bootstrap::parse, Bootstrap.STATIC, overrides.bootstrap());
        Subnet subnet = top.string("subnet").map(s -> {
            Optional<Subnet> parsed = Subnet.parse(s);
            if (parsed.isEmpty()) {
                problems.error(top.valuePos("subnet"), "subnet \"" + s + "\" is not an IPv4 network like 172.17.8.0/24");
            }
            return parsed.orElse(Subnet.DEFAULT);
        }).orElse(Subnet.DEFAULT);
        if (overrides.subnet() != null) {
            subnet = overrides.subnet();
        }
        String firstAddress = top.string("first-address", null);

        VmSettings vm = readVm(top, profile);
        List<NodeDecl> decls = readNodes(top, vm, overrides);
        EtcdSettings etcd = readEtcd(top);
        UpdateSettings update = top.map("update").map(SpecLoader::readUpdate).orElse(UpdateSettings.defaults());
        Firewall firewall = top.map("firewall").map(SpecLoader::readFirewall).orElse(Firewall.disabled());
        List<String> keys = top.map("ssh").map(SpecLoader::readSsh).orElse(List.of());
        FleetSettings fleet = top.map("fleet").map(SpecLoader::readFleet).orElse(FleetSettings.defaults());
        Security security = top.map("security").map(SpecLoader::readSecurity).orElse(Security.none());
        if (security.tls() && profile == Profile.COREOS) {
            problems.error(top.keyPos("security"), "security: {tls: true} is built for the flatcar profile (etcd-member "
                    + "with its certificates under ETCD_SSL_DIR); the coreos profile's etcd2 has no TLS rendering");
        }
        if (security.auth() && profile == Profile.COREOS) {
            problems.error(top.keyPos("security"), "security: {auth: true} is built for the flatcar profile (etcd v3's "
                    + "users and roles); the coreos profile's etcd2 and fleet speak the v2 API, whose auth lab does "
                    + "not set up");
        }
        if (security.auth() && update.rebootStrategy().equals("etcd-lock")) {
            problems.error(top.keyPos("update"), "update: {reboot-strategy: etcd-lock} with security: {auth: true}: "
                    + "locksmithd would need etcd credentials in every user-data (locksmith's etcd_username and "
                    + "etcd_password), which lab does not render; use reboot-strategy reboot or off");
        }
        top.finish();

        List<NodeSpec> nodes = new NodeLayout(file, subnet, firstAddress, top.keyPos("first-address"), problems)
                .resolve(decls);
        LabSpec spec = new LabSpec(name, provider, profile, bootstrap, subnet, nodes, etcd, update, firewall, keys, vm,
                fleet, file, security);
        SpecChecks.check(spec, top, problems, overrides);
        problems.throwIfErrors();
        return new Loaded(spec, problems.warnings());
    }

    private static <T> T choice(YamlMap m, String key, Function<String, Optional<T>> parse, T fallback, T override) {
        Optional<String> raw = m.string(key);
        T fromFile = raw.map(s -> {
            Optional<T> v = parse.apply(s);
            if (v.isEmpty()) {
                m.problems().error(m.valuePos(key), "unknown " + key + " \"" + s + "\"; use one of: "
                        + String.join(", ", java.util.Arrays.stream(fallback.getClass().getEnumConstants())
                        .map(c -> c.toString().toLowerCase(java.util.Locale.ROOT)).toList()));
            }
            return v.orElse(fallback);
        }).orElse(fallback);
        return override != null ? override : fromFile;
    }

    private static VmSettings readVm(YamlMap top, Profile profile) {
        Optional<YamlMap> vm = top.map("vm");
        if (vm.isEmpty()) {
            return new VmSettings(profile.defaultBox(), profile.defaultBoxUrl(), 1024, 1);
        }
        YamlMap v = vm.get();
        VmSettings out = new VmSettings(v.string("box", profile.defaultBox()),
                v.string("box-url", v.has("box") ? null : profile.defaultBoxUrl()),
                v.integer("memory", 512, 262144).orElse(1024), v.integer("cpus", 1, 64).orElse(1));
        v.finish();
        return out;
    }

    private static List<NodeDecl> readNodes(YamlMap top, VmSettings vm, Overrides overrides) {
        List<NodeDecl> decls = new ArrayList<>();
        Optional<Node> nodes = top.node("nodes");
        String file = top.file();
        if (overrides.members() != null) {
            decls.add(group(Role.MEMBER, overrides.members(), "core", java.util.Map.of(), null, null, top.keyPos("nodes")));
        } else if (nodes.isEmpty()) {
            decls.add(group(Role.MEMBER, DEFAULT_MEMBERS, "core", java.util.Map.of(), null, null, top.pos()));
        } else if (nodes.get() instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            top.integer("nodes", 0, 99).ifPresent(n ->
                    decls.add(group(Role.MEMBER, n, "core", java.util.Map.of(), null, null, top.valuePos("nodes"))));
        } else if (nodes.get() instanceof ScalarNode s) {
            top.problems().error(top.valuePos("nodes"), "\"nodes\" must be a number of members (nodes: 3) or a list of "
                    + "nodes, got \"" + s.getValue() + "\"");
            // Go on with the default members, so the mistake is not reported again as "no member".
            decls.add(group(Role.MEMBER, DEFAULT_MEMBERS, "core", java.util.Map.of(), null, null, top.valuePos("nodes")));
        } else {
            for (Node item : top.list("nodes")) {
                YamlMap n = YamlMap.of(file, "a node of \"nodes\"", item, top.problems());
                Role role = n.string("role").map(r -> role(n, r)).orElse(Role.MEMBER);
                decls.add(new NodeDecl(1, n.string("name", null), "core", role, n.string("address", null),
                        n.node("metadata").map(x -> Metadata.read(file, x, top.problems())).orElse(java.util.Map.of()),
                        n.integer("memory", 512, 262144).orElse(null), n.integer("cpus", 1, 64).orElse(null),
                        n.pos(), n.valuePos("address")));
                n.finish();
            }
        }
        for (Node item : top.list("groups")) {
            YamlMap g = YamlMap.of(file, "a group of \"groups\"", item, top.problems());
            Role role = g.string("role").map(r -> role(g, r)).orElseGet(() -> {
                g.problems().error(g.pos(), "a group needs a role (member, proxy or worker)");
                return Role.WORKER;
            });
            decls.add(group(role, g.integer("count", 0, 99).orElse(1), g.string("name-prefix", "core"),
                    g.node("metadata").map(x -> Metadata.read(file, x, top.problems())).orElse(java.util.Map.of()),
                    g.integer("memory", 512, 262144).orElse(null), g.integer("cpus", 1, 64).orElse(null), g.pos()));
            g.finish();
        }
        return decls.stream().map(d -> withVmDefaults(d, vm)).toList();
    }

    private static NodeDecl group(Role role, int count, String prefix, java.util.Map<String, String> metadata,
                                  Integer memory, Integer cpus, Pos pos) {
        return new NodeDecl(count, null, prefix, role, null, metadata, memory, cpus, pos, pos);
    }

    private static NodeDecl withVmDefaults(NodeDecl d, VmSettings vm) {
        return new NodeDecl(d.count(), d.name(), d.prefix(), d.role(), d.address(), d.metadata(),
                d.memoryMb() != null ? d.memoryMb() : vm.memoryMb(), d.cpus() != null ? d.cpus() : vm.cpus(),
                d.pos(), d.addressPos());
    }

    private static Role role(YamlMap m, String r) {
        return Role.parse(r).orElseGet(() -> {
            m.problems().error(m.valuePos("role"), "unknown role \"" + r + "\"; use member, proxy or worker");
            return Role.MEMBER;
        });
    }

    private static EtcdSettings readEtcd(YamlMap top) {
        EtcdSettings d = EtcdSettings.defaults();
        Optional<YamlMap> m = top.map("etcd");
        if (m.isEmpty()) {
            return d;
        }
        YamlMap e = m.get();
        EtcdSettings out = new EtcdSettings(e.integer("heartbeat-interval", 10, 10000).orElse(d.heartbeatMs()),
                e.integer("election-timeout", 50, 50000).orElse(d.electionMs()),
                e.integer("snapshot-count", 1, 100_000_000).orElse(d.snapshotCount()),
                e.bool("pre-vote").orElse(d.preVote()), e.bool("enable-v2").orElse(d.enableV2()),
                e.string("data-dir", d.dataDir()), e.string("version", d.version()), e.string("quota-backend-bytes")
                .map(q -> {
                    long b = EtcdSettings.bytes(q);
                    // etcd 3.4 caps the quota at 8 GiB (etcdserver/quota.go MaxQuotaBytes); below 1 MiB nothing fits
                    if (b < (1 << 20) || b > (8L << 30)) {
                        e.problems().error(e.valuePos("quota-backend-bytes"), "quota-backend-bytes takes a size "
                                + "from 1MiB to 8GiB, like 16MiB; got \"" + q + "\"");
                        return 0L;
                    }
                    return b;
                }).orElse(d.quotaBackendBytes()));
        SpecChecks.etcd(out, e);
        e.finish();
        return out;
    }

    private static Security readSecurity(YamlMap m) {
        boolean tls = m.bool("tls").orElse(false);
        boolean certAuth = m.bool("client-cert-auth").orElse(false);
        if (certAuth && !tls) {
            m.problems().error(m.keyPos("client-cert-auth"), "client-cert-auth: needs tls: true (client certificates "
                    + "are a TLS handshake's)");
        }
        boolean auth = m.bool("auth").orElse(false);
        m.finish();
        return new Security(tls, certAuth, auth);
    }

    private static UpdateSettings readUpdate(YamlMap u) {
        UpdateSettings out = new UpdateSettings(u.string("reboot-strategy", "off"), u.string("group", null));
        if (!List.of("off", "reboot", "etcd-lock").contains(out.rebootStrategy())) {
            u.problems().error(u.valuePos("reboot-strategy"), "reboot-strategy \"" + out.rebootStrategy()
                    + "\" is not one of off, reboot, etcd-lock");
        }
        u.finish();
        return out;
    }

    private static FleetSettings readFleet(YamlMap f) {
        Duration ttl = f.string("agent-ttl").map(t -> {
            Optional<Duration> d = Durations.parse(t).filter(x -> x.toMillis() % 1000 == 0 && x.toSeconds() >= 1
                    && x.toSeconds() <= 3600);
            if (d.isEmpty()) {
                f.problems().error(f.valuePos("agent-ttl"), "agent-ttl takes whole seconds from 1s to 1h (fleet "
                        + "renews leases in seconds), got \"" + t + "\"");
            }
            return d.orElse(FleetSettings.DEFAULT_TTL);
        }).orElse(FleetSettings.DEFAULT_TTL);
        f.finish();
        return new FleetSettings(ttl);
    }

    private static Firewall readFirewall(YamlMap f) {
        List<Integer> ports = new ArrayList<>();
        for (Node n : f.list("allow-tcp")) {
            if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT) && Long.decode(s.getValue()) >= 1
                    && Long.decode(s.getValue()) <= 65535) {
                ports.add(Long.decode(s.getValue()).intValue());
            } else {
                f.problems().error(YamlText.pos(f.file(), n), "allow-tcp takes port numbers 1-65535, got "
                        + YamlMap.kind(n));
            }
        }
        Firewall out = new Firewall(f.bool("enabled").orElse(true), ports);
        f.finish();
        return out;
    }

    private static List<String> readSsh(YamlMap s) {
        List<String> keys = new ArrayList<>();
        for (Node n : s.list("authorized-keys")) {
            if (n instanceof ScalarNode k && SpecChecks.SSH_KEY.matcher(k.getValue()).matches()) {
                keys.add(k.getValue());
            } else {
                s.problems().error(YamlText.pos(s.file(), n), "authorized-keys takes public keys like \"ssh-ed25519 "
                        + "AAAA... you@host\", got " + YamlMap.kind(n));
            }
        }
        s.finish();
        return keys;
    }
}
