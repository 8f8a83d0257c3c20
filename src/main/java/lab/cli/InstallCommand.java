package lab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import lab.provider.netns.HostNetwork;
import lab.spec.EnvironmentException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "install", description = "Put lab on PATH: a symlink PREFIX/bin/lab to this clone's launcher, and "
        + "the bash completion in PREFIX/share/bash-completion/completions/lab.",
        footer = {"", "The link keeps lab tied to this clone: it builds and runs what the clone holds, so a `git pull` "
            + "here updates the installed lab too. Remove both files to uninstall."})
final class InstallCommand extends LabVerb implements Callable<Integer> {
    @Option(names = "--prefix", paramLabel = "DIR",
            description = "Where to install (default: /usr/local as root, else ~/.local).")
    Path prefix;

    @Option(names = "--force", description = "Replace a PREFIX/bin/lab that is not a link to this launcher.")
    boolean force;

    @Override
    public Integer call() throws IOException {
        Path launcher = launcher();
        Path dir = prefix != null ? prefix.toAbsolutePath().normalize()
                : HostNetwork.isRoot() ? Path.of("/usr/local") : Path.of(System.getProperty("user.home"), ".local");
        Path bin = dir.resolve("bin");
        Path link = bin.resolve("lab");
        Files.createDirectories(bin);
        if (Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            boolean ours = Files.isSymbolicLink(link) && Files.exists(link)
                    && Files.isSameFile(link, launcher);
            if (!ours && !force) {
                throw new EnvironmentException(link + " exists and is not a link to " + launcher
                        + "; --force replaces it");
            }
            Files.delete(link);
        }
        Files.createSymbolicLink(link, launcher);
        out().println("installed " + link + " -> " + launcher);
        Path completions = dir.resolve("share/bash-completion/completions");
        Files.createDirectories(completions);
        Files.writeString(completions.resolve("lab"), CompletionCommand.script(spec.root().commandLine()));
        out().println("bash completion: " + completions.resolve("lab") + " (bash-completion loads it in new shells)");
        String path = System.getenv().getOrDefault("PATH", "");
        if (!java.util.Arrays.asList(path.split(":")).contains(bin.toString())) {
            out().println("note: " + bin + " is not on PATH; add it, e.g. export PATH=\"" + bin + ":$PATH\"");
        }
        return ExitCode.OK;
    }

    /** The launcher script of the clone this jar was built in: -Dlab.home from ./lab, else the jar's ../.. */
    private static Path launcher() {
        String home = System.getProperty("lab.home");
        Path dir;
        if (home != null) {
            dir = Path.of(home);
        } else {
            try {
                Path jar = Path.of(InstallCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                dir = jar.getParent().getParent();
            } catch (java.net.URISyntaxException | RuntimeException e) {
                throw new EnvironmentException("cannot tell where this lab was built; run it as ./lab install", e);
            }
        }
        Path launcher = dir.resolve("lab").toAbsolutePath().normalize();
        if (!Files.isRegularFile(launcher) || !Files.isExecutable(launcher)) {
            throw new EnvironmentException("no launcher at " + launcher + "; run `./lab install` from a clone");
        }
        return launcher;
    }
}
