package lab.cli;

import java.nio.file.Path;
import lab.provider.Lab;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** Picks the running lab a command works on: --name, else the name in lab.yaml (or -f), else "lab". */
final class LabOptions {
    @Option(names = "--name", paramLabel = "NAME", scope = ScopeType.INHERIT, description = "The lab (default: the name in ./lab.yaml, else 'lab').")
    String name;

    @Option(names = {"-f", "--file"}, paramLabel = "FILE", scope = ScopeType.INHERIT, description = "The lab spec whose name to use.")
    Path file;

    String labName(Path workDir) {
        if (name != null) {
            if (!lab.spec.SpecChecks.labName(name)) {
                throw new lab.spec.BadInputException("--name: " + lab.spec.SpecChecks.labNameProblem(name));
            }
            return name;
        }
        SpecOptions s = new SpecOptions();
        s.file = file;
        java.util.Optional<Path> spec = s.specFile(workDir);
        if (spec.isEmpty()) {
            return SpecLoader.DEFAULT_NAME;
        }
        // A command on a running lab needs only the spec's name: its name line, when that names a lab that is
        // here, spares the whole spec's parsing and checks (a quarter of a second of a cold start); anything
        // else goes through the loader, whose errors say what is wrong with the file.
        try {
            java.util.Optional<String> quick = Forward.nameLine(spec.get()).filter(lab.spec.SpecChecks::labName)
                    .filter(n -> new lab.provider.LabDir(workDir, n).exists());
            if (quick.isPresent()) {
                return quick.get();
            }
        } catch (java.io.IOException e) {
            // the loader reports it
        }
        return SpecLoader.load(spec.get(), SpecOptions.display(workDir, spec.get()), Overrides.none()).spec().name();
    }

    Lab open(Path workDir, java.io.PrintWriter out) {
        return Lab.open(workDir, labName(workDir), out::println);
    }
}
