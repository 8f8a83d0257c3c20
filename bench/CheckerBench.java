import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import lab.history.CheckResult;
import lab.history.HistoryFiles;
import lab.history.KvModel;
import lab.history.Linearizability;
import lab.history.Op;
import lab.history.RegisterModel;

/**
 * The linearizability checker over the Porcupine corpus (src/test/resources/conformance/porcupine), per file and in total, after JVM warm-up, printed
 * next to Porcupine's own figures on this machine (from the issue). Run by bench/checker.sh.
 */
public class CheckerBench {
    static final Map<String, Double> PORCUPINE_MS = Map.of("etcd_002.log", 153.0, "etcd_040.log", 12.0,
            "etcd_080.log", 7.0, "c50-ok.txt", 200.0, "c50-bad.txt", 77.0, "c10-ok.txt", 0.8);

    public static void main(String[] args) throws Exception {
        Path corpus = Path.of(args.length > 0 ? args[0] : "src/test/resources/conformance/porcupine");
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Map<String, List<Op>> jepsen = new TreeMap<>();
        try (var files = Files.list(corpus.resolve("jepsen"))) {
            for (Path f : files.toList()) {
                jepsen.put(f.getFileName().toString(), HistoryFiles.jepsen(f.toString(), Files.readString(f)));
            }
        }
        Map<String, List<Op>> kv = new TreeMap<>();
        try (var files = Files.list(corpus.resolve("kv"))) {
            for (Path f : files.toList()) {
                kv.put(f.getFileName().toString(), HistoryFiles.kv(f.toString(), Files.readString(f)));
            }
        }
        for (int warm = 0; warm < 3; warm++) { // JIT warm-up on the whole corpus
            jepsen.values().forEach(ops -> Linearizability.check(ops, new RegisterModel(), Duration.ofMinutes(1)));
            kv.values().forEach(ops -> Linearizability.checkPerKey(ops, new KvModel(), Duration.ofMinutes(1)));
        }
        System.out.printf("%-14s %8s %10s %12s %10s%n", "file", "verdict", "lab ms", "porcupine ms", "ratio");
        double jepsenTotal = 0;
        for (var e : jepsen.entrySet()) {
            double ms = best(() -> Linearizability.check(e.getValue(), new RegisterModel(), Duration.ofMinutes(1)),
                    rounds);
            jepsenTotal += ms;
            CheckResult r = Linearizability.check(e.getValue(), new RegisterModel(), Duration.ofMinutes(1));
            print(e.getKey(), r, ms);
        }
        System.out.printf("%-14s %8s %10.1f %12s %10.2f%n", "jepsen total", "", jepsenTotal, "180",
                jepsenTotal / 180);
        for (var e : kv.entrySet()) {
            double ms = best(() -> Linearizability.checkPerKey(e.getValue(), new KvModel(), Duration.ofMinutes(1)),
                    rounds);
            print(e.getKey(), Linearizability.checkPerKey(e.getValue(), new KvModel(), Duration.ofMinutes(1)), ms);
        }
        Runtime rt = Runtime.getRuntime();
        System.out.printf("heap in use after the run: %d MiB (max %d MiB)%n", (rt.totalMemory() - rt.freeMemory())
                >> 20, rt.maxMemory() >> 20);
    }

    static void print(String file, CheckResult r, double ms) {
        Double ref = PORCUPINE_MS.get(file);
        System.out.printf("%-14s %8s %10.2f %12s %10s%n", file, r.verdict(), ms, ref == null ? "" : ref.toString(),
                ref == null ? "" : String.format("%.2f", ms / ref));
    }

    /** The best of {@code rounds} timed runs, in ms. */
    static double best(Runnable r, int rounds) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < rounds; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        return best;
    }
}
