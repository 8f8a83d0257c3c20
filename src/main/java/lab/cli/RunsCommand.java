package lab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import lab.provider.LabDir;
import lab.report.Table;
import lab.spec.BadInputException;
import lab.spec.Durations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "runs", description = "The saved runs in .lab/runs/ (artifacts, histories, journals): list, prune.")
final class RunsCommand extends LabVerb {

    private Path runsDir() {
        return top.workDir().resolve(LabDir.LABS).resolve("runs");
    }

    /** The run directories, newest first. */
    private List<Path> runs() {
        if (!Files.isDirectory(runsDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(runsDir())) {
            return s.filter(Files::isDirectory).sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Command(name = "list", description = "List the saved runs, newest first, with their size.")
    int list() {
        List<Path> runs = runs();
        if (runs.isEmpty()) {
            out().println("no saved runs in " + runsDir());
            return ExitCode.OK;
        }
        Table t = new Table("RUN", "FILES", "SIZE");
        for (Path r : runs) {
            long[] sz = size(r);
            t.row(r.getFileName().toString(), sz[0], String.format("%.1f kB", sz[1] / 1000.0));
        }
        out().print(t);
        return ExitCode.OK;
    }

    @Command(name = "prune", description = "Remove saved runs: all but the newest N (--keep), or those older than a "
            + "duration (--older-than 7d), or both.")
    int prune(@Option(names = "--keep", paramLabel = "N", description = "How many of the newest to keep.")
              Integer keep,
              @Option(names = "--older-than", paramLabel = "AGE", description = "Remove runs older than this, like "
                      + "7d, 12h or 30m.") String olderThan) {
        if (keep == null && olderThan == null) {
            throw new BadInputException("say what to prune: --keep N, --older-than AGE (like 7d), or both");
        }
        if (keep != null && keep < 0) {
            throw new BadInputException("--keep must be 0 or more, got " + keep);
        }
        Duration age = olderThan == null ? null : parseAge(olderThan);
        List<Path> runs = runs();
        List<Path> gone = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            Path r = runs.get(i);
            boolean beyondKeep = keep != null && i >= keep;
            boolean old = age != null && modified(r).isBefore(Instant.now().minus(age));
            if ((keep == null || beyondKeep) && (age == null || old)) {
                delete(r);
                gone.add(r);
            }
        }
        out().println("removed " + gone.size() + " of " + runs.size() + " saved run(s) from " + runsDir());
        return ExitCode.OK;
    }

    private static Duration parseAge(String text) {
        if (text.matches("\\d+d")) {
            return Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        if (text.matches("\\d+h")) {
            return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1)));
        }
        return Durations.flag("--older-than", text);
    }

    private static Instant modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long[] size(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            long[] out = new long[2];
            all.filter(Files::isRegularFile).forEach(f -> {
                out[0]++;
                try {
                    out[1] += Files.size(f);
                } catch (IOException e) {
                    // gone meanwhile
                }
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }
}
