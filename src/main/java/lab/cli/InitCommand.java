package lab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import lab.spec.BadInputException;
import lab.spec.Bootstrap;
import lab.spec.Profile;
import lab.spec.ProviderKind;
import lab.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "init", description = "Write a lab.yaml for a cluster shape (members, proxies, workers).")
final class InitCommand extends LabVerb implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--nodes", paramLabel = "N", defaultValue = "3", description = "etcd members (default: 3).")
    int nodes;

    @Option(names = "--proxies", paramLabel = "P", defaultValue = "0", description = "Stateless etcd proxy nodes.")
    int proxies;

    @Option(names = "--workers", paramLabel = "W", defaultValue = "0",
            description = "Worker nodes (fleet metadata role=worker).")
    int workers;

    @Option(names = "--profile", paramLabel = "P", defaultValue = "flatcar", description = "flatcar or coreos.")
    String profile;

    @Option(names = "--bootstrap", paramLabel = "B", defaultValue = "static", description = "static or discovery.")
    String bootstrap;

    @Option(names = "--provider", paramLabel = "P", defaultValue = "local", description = "local, netns or vagrant.")
    String provider;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = SpecLoader.DEFAULT_NAME, description = "Lab name.")
    String name;

    @Option(names = "--dir", paramLabel = "D", defaultValue = ".", description = "Where to write lab.yaml.")
    Path dir;

    @Option(names = "--force", description = "Overwrite an existing lab.yaml.")
    boolean force;

    @Override
    public Integer call() {
        if (proxies < 0 || workers < 0) {
            throw new BadInputException("--proxies and --workers cannot be negative");
        }
        Profile p = SpecOptions.parse("--profile", profile, Profile::parse, Profile.values());
        Bootstrap b = SpecOptions.parse("--bootstrap", bootstrap, Bootstrap::parse, Bootstrap.values());
        ProviderKind k = SpecOptions.parse("--provider", provider, ProviderKind::parse, ProviderKind.values());
        Path target = top.workDir().resolve(dir).resolve(SpecOptions.SPEC_FILE).normalize();
        String display = SpecOptions.display(top.workDir(), target);
        if (Files.exists(target) && !force) {
            throw new BadInputException(display + " already exists; pass --force to overwrite it");
        }
        String text = SpecTemplate.render(name, k, p, b, nodes, proxies, workers);
        SpecLoader.Loaded loaded;
        String flags = "lab init --nodes " + nodes + (proxies > 0 ? " --proxies " + proxies : "")
                + (workers > 0 ? " --workers " + workers : "") + (name.equals(SpecLoader.DEFAULT_NAME) ? ""
                : " --name " + name);
        try {
            loaded = SpecLoader.parse(display, text, lab.spec.Overrides.none());
        } catch (BadInputException e) {
            // nothing was written: the problem is in what was asked for, so name the flags, not the file
            throw new BadInputException(e.problems().stream().map(pr -> new lab.spec.Problem(pr.severity(),
                    lab.spec.Pos.flag(flags), pr.message() + " (nothing written)")).toList());
        }
        try {
            Files.createDirectories(target.getParent());
            Files.writeString(target, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + display + ": " + e.getMessage(), e);
        }
        var out = spec.commandLine().getOut();
        loaded.warnings().forEach(w -> spec.commandLine().getErr().println(w));
        out.printf("wrote %s: %d member%s, %d prox%s, %d worker%s, profile %s, %s bootstrap, provider %s%n", display,
                nodes, nodes == 1 ? "" : "s", proxies, proxies == 1 ? "y" : "ies", workers, workers == 1 ? "" : "s",
                p.id(), b.id(), k.id());
        out.println("next: lab validate, lab render, lab up");
        return ExitCode.OK;
    }
}
