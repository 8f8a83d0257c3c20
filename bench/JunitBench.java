import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import lab.api.EtcdLab;
import lab.junit.LabExtension;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;

/**
 * The JUnit 5 extension's start-up (bench/junit.sh): a 3-member lab ready for the first test method, against
 * {@code lab up} from the shell, interleaved in one run, N times each.
 *
 * <p>Each extension sample is a fresh JVM (as a test run's is) that runs a one-method test class through the JUnit
 * Platform launcher: the time from the extension's start (the beforeAll of an extension registered just before it)
 * to the test method, after {@code awaitHealthy}, as the test itself reads the clock; and the same from the
 * launcher's start, JUnit's discovery included. {@code lab up} is timed from the
 * shell to its exit (it returns once every member is healthy, as the extension does), then {@code lab down}.
 */
public class JunitBench {
    static volatile long entered;
    static volatile long extensionStart;

    /** The test class each sample runs. */
    public static class Sample {
        /** Registered first (lower order): its beforeAll reads the clock as the lab's extension starts. */
        @RegisterExtension
        @Order(1)
        static BeforeAllCallback clock = context -> extensionStart = System.nanoTime();

        @RegisterExtension
        @Order(2)
        static LabExtension lab = LabExtension.builder().nodes(3).build();

        @Test
        void first(EtcdLab cluster) {
            cluster.awaitHealthy(Duration.ofSeconds(30));
            entered = System.nanoTime();
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--one")) {
            one();
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String cp = String.join(java.io.File.pathSeparator, Arrays.stream(System.getProperty("java.class.path")
                .split(java.io.File.pathSeparator)).map(e -> Path.of(e).toAbsolutePath().toString()).toList());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Files.createTempDirectory("junit-bench-");
        long[] ext = new long[n];
        long[] launcher = new long[n];
        long[] up = new long[n];
        try {
            for (int i = 0; i < n; i++) {
                long t = System.nanoTime();
                run(work, List.of(Path.of("lab").toAbsolutePath().toString(), "up", "--name", "jb"));
                up[i] = (System.nanoTime() - t) / 1_000_000;
                run(work, List.of(Path.of("lab").toAbsolutePath().toString(), "down", "--name", "jb"));
                String out = run(work, List.of(java, "-cp", cp, Path.of("bench/JunitBench.java").toAbsolutePath()
                        .toString(), "--one"));
                ext[i] = figure(out, "ready-ms=");
                launcher[i] = figure(out, "launcher-ms=");
            }
        } finally {
            try {
                run(work, List.of(Path.of("lab").toAbsolutePath().toString(), "down", "--name", "jb"));
            } catch (Exception ignored) {
                // already down
            }
            removeTree(work);
        }
        long e = median(ext);
        long u = median(up);
        System.out.printf("%-66s %8s %7s%n", "a 3-member lab ready for the first test (median of " + n + ")", "ms",
                "ratio");
        System.out.printf("%-66s %8d %7s%n", "baseline: lab up from the shell (to every member healthy)", u, "1.00");
        System.out.printf("%-66s %8d %7.2f%n", "JUnit 5 extension: its start to the first test method (awaitHealthy)",
                e, (double) e / u);
        long l = median(launcher);
        System.out.printf("%-66s %8d %7.2f%n", "  the same from the JUnit launcher's start (discovery included)", l,
                (double) l / u);
        System.out.println("runs: lab up " + Arrays.toString(up) + " | extension " + Arrays.toString(ext)
                + " | from the launcher " + Arrays.toString(launcher));
    }

    static long figure(String out, String name) {
        return Long.parseLong(out.lines().filter(l -> l.startsWith(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no " + name + " from the sample:\n" + out))
                .substring(name.length()).trim());
    }

    static void one() {
        var request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(Sample.class)).build();
        var listener = new SummaryGeneratingListener();
        long t = System.nanoTime();
        LauncherFactory.create().execute(request, listener);
        var summary = listener.getSummary();
        if (summary.getTotalFailureCount() > 0 || summary.getTestsSucceededCount() != 1) {
            summary.getFailures().forEach(f -> f.getException().printStackTrace());
            System.exit(1);
        }
        System.out.println("ready-ms=" + (entered - extensionStart) / 1_000_000);
        System.out.println("launcher-ms=" + (entered - t) / 1_000_000);
    }

    static String run(Path dir, List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " exited " + p.exitValue() + ":\n" + out);
        }
        return out;
    }

    static long median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    /** Removes the benchmark's work folder (its labs are down by then). */
    static void removeTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException e) {
            System.err.println("could not remove " + dir + ": " + e.getMessage());
        }
    }
}
