package lab.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.Function;
import lab.spec.BadInputException;
import lab.spec.Bootstrap;
import lab.spec.Overrides;
import lab.spec.Profile;
import lab.spec.ProviderKind;
import lab.spec.SpecLoader;
import picocli.CommandLine.Option;

/** The options that pick and override a lab spec; shared by every command that works on a lab. */
final class SpecOptions {
    static final String SPEC_FILE = "lab.yaml";

    @Option(names = {"-f", "--file"}, paramLabel = "FILE",
            description = "The lab spec (default: ./lab.yaml when present, else the built-in 3-member lab).")
    Path file;

    @Option(names = "--name", paramLabel = "NAME", description = "The lab's name (default: the spec's, else 'lab').")
    String name;

    @Option(names = "--nodes", paramLabel = "N", description = "Number of etcd members (replaces the spec's members).")
    Integer nodes;

    @Option(names = "--profile", paramLabel = "P", description = "flatcar or coreos.")
    String profile;

    @Option(names = "--bootstrap", paramLabel = "B", description = "static or discovery.")
    String bootstrap;

    @Option(names = "--provider", paramLabel = "P", description = "local, netns or vagrant.")
    String provider;

    @Option(names = "--subnet", paramLabel = "CIDR", description = "The lab network, like 10.77.1.0/24 (replaces "
            + "the spec's; node addresses follow it).")
    String subnet;

    /** The spec file in effect, if any. */
    Optional<Path> specFile(Path workDir) {
        if (file != null) {
            return Optional.of(workDir.resolve(file));
        }
        Path dflt = workDir.resolve(SPEC_FILE);
        return Files.isRegularFile(dflt) ? Optional.of(dflt) : Optional.empty();
    }

    SpecLoader.Loaded load(Path workDir) {
        Overrides o = overrides();
        return specFile(workDir).map(f -> SpecLoader.load(f, display(workDir, f), o))
                .orElseGet(() -> SpecLoader.defaults(o));
    }

    /** A file as the user would name it: relative to where lab runs when it is below, absolute otherwise. */
    static String display(Path workDir, Path f) {
        Path abs = f.toAbsolutePath().normalize();
        return abs.startsWith(workDir) ? workDir.relativize(abs).toString() : abs.toString();
    }

    Overrides overrides() {
        if (nodes != null && nodes < 1) {
            throw new BadInputException("--nodes must be at least 1, got " + nodes);
        }
        return new Overrides(name, nodes, parse("--provider", provider, ProviderKind::parse, ProviderKind.values()),
                parse("--profile", profile, Profile::parse, Profile.values()),
                parse("--bootstrap", bootstrap, Bootstrap::parse, Bootstrap.values()), subnet(subnet));
    }

    /** --subnet's value, or null when it was not given. */
    static lab.spec.Subnet subnet(String value) {
        return value == null ? null : lab.spec.Subnet.parse(value).orElseThrow(() -> new BadInputException(
                "--subnet \"" + value + "\" is not an IPv4 network like 10.77.1.0/24"));
    }

    static <T extends Enum<T>> T parse(String flag, String value, Function<String, Optional<T>> parser, T[] all) {
        if (value == null) {
            return null;
        }
        return parser.apply(value).orElseThrow(() -> new BadInputException("unknown " + flag + " \"" + value
                + "\"; use one of: " + String.join(", ", Arrays.stream(all)
                .map(e -> e.name().toLowerCase(java.util.Locale.ROOT)).toList())));
    }
}
