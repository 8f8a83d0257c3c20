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
        return s.specFile(workDir).map(f -> SpecLoader.load(f, SpecOptions.display(workDir, f), Overrides.none())
                .spec().name()).orElse(SpecLoader.DEFAULT_NAME);
    }

    Lab open(Path workDir, java.io.PrintWriter out) {
        return Lab.open(workDir, labName(workDir), out::println);
    }
}
