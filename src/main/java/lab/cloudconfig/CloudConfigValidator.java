package lab.cloudconfig;

import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Validates user-data the way coreos-cloudinit's {@code validate.Validate()} does: same rules, same messages, same
 * line numbers, checked against its 81 upstream test cases and its full-validation outputs
 * (src/test/resources/conformance/cloudinit).
 */
public final class CloudConfigValidator {
    private final Version version;
    private final Field schema;

    public CloudConfigValidator(Version version) {
        this.version = version;
        this.schema = Schema.cloudConfig(version);
    }

    public Version version() {
        return version;
    }

    /** Validates any user-data: empty and {@code #!} scripts pass, Ignition JSON passes, cloud-config is checked. */
    public Report validate(String userData) {
        if (userData.isEmpty() || userData.startsWith("#!")) {
            return new Report();
        }
        if (isCloudConfig(userData)) {
            return validateCloudConfig(userData, Rules.of(version));
        }
        if (isIgnition(userData) || (version == Version.FLATCAR && isMultipartMime(userData))) {
            return new Report();
        }
        Report r = new Report();
        // Flatcar's validator also accepts multipart MIME (config/validate/validate.go), and says so
        r.error(1, version == Version.FLATCAR ? "must be \"#cloud-config\", multipart mime or begin with \"#!\""
                : "must be \"#cloud-config\" or begin with \"#!\"");
        return r;
    }

    static boolean isCloudConfig(String userData) {
        String header = userData.split("\n", 2)[0];
        return (header.endsWith("\r") ? header.substring(0, header.length() - 1) : header).equals("#cloud-config");
    }

    /** A MIME header block whose Content-Type is multipart/mixed (Flatcar's config.IsMultipartMime). */
    static boolean isMultipartMime(String userData) {
        for (String line : userData.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                return false;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                return false;
            }
            if (line.substring(0, colon).trim().equalsIgnoreCase("Content-Type")) {
                return line.substring(colon + 1).contains("multipart/mixed");
            }
        }
        return false;
    }

    /** Ignition's first config format: a JSON object with an ignitionVersion. */
    private static boolean isIgnition(String userData) {
        try {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(userData);
            return o instanceof Map<?, ?> m && m.get("ignitionVersion") instanceof Integer;
        } catch (YAMLException | ClassCastException e) {
            return false;
        }
    }

    /**
     * Parses and runs {@code rules}. A rule that throws ends the validation as upstream's recovered panic does:
     * the report is then empty and carries the failure.
     */
    Report validateCloudConfig(String config, List<Rule> rules) {
        Report report = new Report();
        Value root = parse(config, report);
        try {
            for (Rule rule : rules) {
                rule.check(root, schema, report);
            }
        } catch (RuntimeException e) {
            return Report.failed(String.valueOf(e.getMessage()));
        }
        return report;
    }

    /** The config as typed values, or an invalid root (after reporting the syntax error) when it does not parse. */
    Value parse(String config, Report report) {
        Optional<Node> root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setMaxAliasesForCollections(50);
            root = Optional.ofNullable(new Yaml(new SafeConstructor(options)).compose(new StringReader(config)));
        } catch (MarkedYAMLException e) {
            report.error(goLine(e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark(), config),
                    goMessage(e));
            return Value.invalid("", 0);
        } catch (YAMLException e) {
            report.error(1, String.valueOf(e.getMessage()));
            return Value.invalid("", 0);
        }
        return Coerce.strong(root.map(n -> GoYaml.convert("", n)).orElseGet(() -> new Value("", 0, Kind.MAP, null, null)),
                schema);
    }

    /**
     * go-yaml v1 prints libyaml's 0-based line (libyaml forces a line break at the end of the stream, so an error
     * there counts one line more) and falls back to line 1 when that is 0.
     */
    private static int goLine(Mark mark, String config) {
        if (mark == null) {
            return 1;
        }
        int line = mark.getLine();
        boolean atEnd = mark.getIndex() >= config.length();
        if (atEnd && mark.getColumn() != 0) {
            line++;
        }
        return Math.max(line, 1);
    }

    /** libyaml's wording, where SnakeYAML (from PyYAML) says the same thing differently. */
    private static String goMessage(MarkedYAMLException e) {
        String p = String.valueOf(e.getProblem());
        if (p.startsWith("found character") && p.contains("that cannot start any token")) {
            return "found character that cannot start any token";
        }
        if (p.startsWith("expected <block end>")) {
            String ctx = String.valueOf(e.getContext());
            return ctx.contains("sequence") ? "did not find expected '-' indicator" : "did not find expected key";
        }
        return p.replaceAll("\\s+", " ").trim();
    }
}
