package lab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import lab.cloudconfig.CloudConfigValidator;
import lab.cloudconfig.Entry;
import lab.cloudconfig.Version;
import lab.render.LabRenderer;
import lab.spec.BadInputException;
import lab.spec.Overrides;
import lab.spec.Pos;
import lab.spec.Problem;
import lab.spec.Problems;
import lab.spec.Severity;
import lab.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "validate", description = "Check lab specs, scenarios and cloud-config user-data, as lab up and lab run "
        + "would, without starting anything; every problem with file:line:col.")
final class ValidateCommand extends LabVerb implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Specs, scenarios or user-data files (default: "
            + "./lab.yaml). A file starting with #cloud-config or #!, or under a user-data/ directory, is user-data; a "
            + "file with steps: is a scenario.")
    List<Path> files = new ArrayList<>();

    @Option(names = "--cloudinit", paramLabel = "V", description = "Behave like this coreos-cloudinit: flatcar "
            + "(current Flatcar: a key written with '-' is ignored there, so an error here), 1.13 (the CoreOS releases "
            + "with etcd2 and fleet) or 1.14. Default: by profile, flatcar for Flatcar specs and user-data, 1.13 for "
            + "CoreOS ones (user-data rendered by lab names its profile; other user-data with coreos.etcd2 or "
            + "coreos.fleet counts as CoreOS).")
    String cloudinit;

    @Option(names = "--strict", description = "Warnings fail too (exit 2).")
    boolean strict;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text", description = "text or json.")
    String output;

    @Override
    public Integer call() {
        if (!output.equals("text") && !output.equals("json")) {
            throw new BadInputException("unknown --output \"" + output + "\"; use text or json");
        }
        Version chosen;
        try {
            chosen = cloudinit == null ? null : Version.parse(cloudinit);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(e.getMessage());
        }
        List<Path> targets = new ArrayList<>(files);
        if (targets.isEmpty()) {
            Path dflt = top.workDir().resolve(SpecOptions.SPEC_FILE);
            if (!Files.isRegularFile(dflt)) {
                throw new BadInputException("nothing to validate: no lab.yaml here; name the files to check");
            }
            targets.add(dflt);
        }
        Problems problems = new Problems();
        for (Path f : targets) {
            Path abs = top.workDir().resolve(f);
            String display = SpecOptions.display(top.workDir(), abs);
            String text = read(abs, display);
            if (isUserData(abs, text)) {
                userData(validator(chosen, dialect(text)), display, text, problems);
            } else if (isScenario(text)) {
                try {
                    lab.scenario.ScenarioLoader.parse(display, text, lab.spec.Overrides.none());
                } catch (BadInputException e) {
                    problems.addAll(e.problems().isEmpty() ? List.of(new Problem(Severity.ERROR, Pos.start(display),
                            e.getMessage())) : e.problems());
                }
            } else {
                spec(chosen, display, text, problems);
            }
        }
        List<Problem> all = problems.list();
        print(all, targets.size());
        boolean failed = problems.hasErrors() || (strict && !all.isEmpty());
        return failed ? ExitCode.BAD_INPUT : ExitCode.OK;
    }

    private static String read(Path abs, String display) {
        try {
            return Files.readString(abs);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException(display + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(display + ": cannot read: " + e.getMessage());
        }
    }

    /** A scenario: a YAML map with a top-level steps: key (a lab spec has none). */
    static boolean isScenario(String text) {
        return text.lines().anyMatch(l -> l.matches("steps\\s*:.*"));
    }

    static boolean isUserData(Path file, String text) {
        Path parent = file.getParent();
        return text.startsWith("#cloud-config") || text.startsWith("#!")
                || (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("user-data"));
    }

    private static CloudConfigValidator validator(Version chosen, Version byProfile) {
        return new CloudConfigValidator(chosen != null ? chosen : byProfile);
    }

    private static final java.util.regex.Pattern LAB_HEADER = java.util.regex.Pattern.compile(
            "(?m)^# lab \"[^\"]*\", profile (flatcar|coreos):");
    private static final java.util.regex.Pattern CLASSIC = java.util.regex.Pattern.compile(
            "(?m)^\\s+(etcd2|fleet):");

    /** The coreos-cloudinit a user-data file is meant for: its lab header's profile, else classic CoreOS's sections. */
    static Version dialect(String text) {
        var m = LAB_HEADER.matcher(text);
        if (m.find()) {
            return m.group(1).equals("coreos") ? Version.V1_13 : Version.FLATCAR;
        }
        return CLASSIC.matcher(text).find() ? Version.V1_13 : Version.FLATCAR;
    }

    private static void spec(Version chosen, String display, String text, Problems problems) {
        SpecLoader.Loaded loaded;
        try {
            loaded = SpecLoader.parse(display, text, Overrides.none());
        } catch (BadInputException e) {
            problems.addAll(e.problems().isEmpty() ? List.of(new Problem(Severity.ERROR, Pos.start(display),
                    e.getMessage())) : e.problems());
            return;
        }
        problems.addAll(loaded.warnings());
        CloudConfigValidator validator = validator(chosen, loaded.spec().profile() == lab.spec.Profile.COREOS
                ? Version.V1_13 : Version.FLATCAR);
        // The spec is only good if what it renders to is: check every user-data file it produces.
        LabRenderer.Rendered r = renderForCheck(loaded.spec());
        r.files().forEach((path, content) -> {
            if (path.startsWith(LabRenderer.USER_DATA_DIR + "/")) {
                userData(validator, path + " (rendered from " + display + ")", content, problems);
            }
        });
    }

    private static void userData(CloudConfigValidator validator, String display, String text, Problems problems) {
        String[] lines = text.split("\n", -1);
        var report = validator.validate(text);
        report.failure().ifPresent(f -> problems.error(Pos.start(display), "validation could not finish: " + f));
        for (Entry e : report.entries()) {
            Severity s = switch (e.kind()) {
                case ERROR -> Severity.ERROR;
                case WARNING -> Severity.WARNING;
                case INFO -> Severity.INFO;
            };
            problems.add(new Problem(s, new Pos(display, Math.max(e.line(), 1), column(lines, e.line())),
                    e.message()));
        }
    }

    /** coreos-cloudinit reports lines only; point at the first non-blank character of the line. */
    private static int column(String[] lines, int line) {
        if (line < 1 || line > lines.length) {
            return 1;
        }
        String l = lines[line - 1];
        int i = 0;
        while (i < l.length() && (l.charAt(i) == ' ' || l.charAt(i) == '-')) {
            i++;
        }
        return i >= l.length() ? 1 : i + 1;
    }

    private void print(List<Problem> all, int fileCount) {
        var out = spec.commandLine().getOut();
        if (output.equals("json")) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Problem p : all) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("file", p.pos().file());
                row.put("line", p.pos().line());
                row.put("col", p.pos().col());
                row.put("severity", p.severity().label());
                row.put("message", p.message());
                rows.add(row);
            }
            try {
                out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(rows));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            return;
        }
        all.forEach(out::println);
        long errors = all.stream().filter(p -> p.severity() == Severity.ERROR).count();
        out.printf("%d file(s) checked: %d error(s), %d warning(s)%n", fileCount, errors, all.size() - errors);
    }

    /** The rendering to check; a TLS spec's with certificates of a throw-away CA (the real ones are made by lab up). */
    private static LabRenderer.Rendered renderForCheck(lab.spec.LabSpec spec) {
        if (!spec.security().tls()) {
            return LabRenderer.render(spec);
        }
        java.nio.file.Path tmp = null;
        try {
            tmp = java.nio.file.Files.createTempDirectory("lab-validate-pki");
            lab.pki.Pki pki = lab.pki.Pki.create(tmp.resolve("pki"), spec.name());
            for (lab.spec.NodeSpec n : spec.nodes()) {
                pki.issueNode(n.name(), n.address());
            }
            return LabRenderer.render(spec, pki);
        } catch (java.io.IOException e) {
            throw new lab.spec.EnvironmentException("cannot make a temporary folder: " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    lab.provider.LabDir.deleteTree(tmp);
                } catch (RuntimeException ignored) {
                    // a temp folder left behind is harmless
                }
            }
        }
    }
}
