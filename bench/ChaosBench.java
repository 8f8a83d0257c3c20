import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeded chaos runs (bench/chaos.sh): {@code lab chaos --duration D --seed S} on 3 and on 5 members, linearizable
 * reads, every check; one row per run (verdict, faults, operations, unknown, each check's verdict and time). Then the
 * first seed again on 3 members: the journal's faults must repeat. With "long", one run of the given duration on 3
 * members and the checker's time on its history, with the history's size.
 */
public class ChaosBench {
    static final Pattern CHECK = Pattern.compile("(ok  |FAIL|UNKNOWN) check (\\S+) \\((\\d+) operations, ([0-9.]+) s\\)");
    static final Pattern OPS = Pattern.compile("workload: (\\d+) operations \\((\\d+) ok, (\\d+) unknown\\)");
    static final Pattern FAULTS = Pattern.compile("nemesis: (\\d+) fault\\(s\\) in [0-9.]+ s(?: \\((.*)\\))?");

    record Outcome(int exit, String out, List<String> faults) {
    }

    static Outcome chaos(Path work, String json, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of("lab").toAbsolutePath().toString(), "chaos", "--json",
                json));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(work.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = p.waitFor();
        List<String> faults = new ArrayList<>();
        Path j = work.resolve(json);
        if (Files.exists(j)) {
            for (JsonNode step : new ObjectMapper().readTree(j.toFile()).get(0).get("steps")) {
                if (step.get("step").asText().startsWith("nemesis ")) {
                    faults.add(step.get("step").asText());
                }
            }
        }
        return new Outcome(exit, out, faults);
    }

    static String row(String label, Outcome o) {
        Matcher ops = OPS.matcher(o.out());
        Matcher f = FAULTS.matcher(o.out());
        StringBuilder checks = new StringBuilder();
        Matcher c = CHECK.matcher(o.out());
        while (c.find()) {
            checks.append(String.format(" %s %s %ss", c.group(2), c.group(1).trim().equals("ok") ? "PASS" : c.group(1),
                    c.group(4)));
        }
        return String.format("| %s | %s | %s | %s | %s |%s |", label, o.exit() == 0 ? "PASS" : "exit " + o.exit(),
                f.find() ? f.group(1) + (f.group(2) == null ? "" : " (" + f.group(2) + ")") : "?",
                ops.find() ? ops.group(1) : "?", ops.find(0) ? ops.group(3) : "?", checks);
    }

    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("chaos-bench-");
        try {
            bench(work, args);
        } finally {
            removeTree(work);
        }
    }

    static void bench(Path work, String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("long")) {
            String d = args.length > 1 ? args[1] : "10m";
            Outcome o = chaos(work, "long.json", "--duration", d, "--seed", "1000", "--nodes", "3");
            System.out.println("| run | verdict | faults | operations | unknown | checks (verdict, time) |");
            System.out.println("|---|---|---|---|---|---|");
            System.out.println(row("3 members, " + d + ", seed 1000", o));
            Matcher h = Pattern.compile("history: (\\S+history.json)").matcher(o.out());
            if (h.find()) {
                Path history = Path.of(h.group(1));
                System.out.printf("history.json: %d bytes%n", Files.size(history));
                Path watch = history.resolveSibling("watch.json");
                if (Files.exists(watch)) {
                    System.out.printf("watch.json: %d bytes%n", Files.size(watch));
                }
            }
            // the watchers' line: events delivered, acknowledged writes, resumes
            o.out().lines().filter(l -> l.contains(" watch: ") && l.contains("delivered")).forEach(l ->
                    System.out.println(l.trim()));
            if (o.exit() != 0) {
                System.out.println(o.out());
            }
            return;
        }
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        String d = args.length > 1 ? args[1] : "60s";
        System.out.println("| run | verdict | faults | operations | unknown | checks (verdict, time) |");
        System.out.println("|---|---|---|---|---|---|");
        int failed = 0;
        List<String> firstFaults = null;
        for (int members : new int[] {3, 5}) {
            for (int seed = 1; seed <= n; seed++) {
                Outcome o = chaos(work, "m" + members + "-s" + seed + ".json", "--duration", d, "--seed",
                        Integer.toString(seed), "--nodes", Integer.toString(members));
                System.out.println(row(members + " members, seed " + seed, o));
                if (o.exit() != 0) {
                    failed++;
                    System.out.println(o.out());
                }
                if (members == 3 && seed == 1) {
                    firstFaults = o.faults();
                }
            }
        }
        Outcome again = chaos(work, "again.json", "--duration", d, "--seed", "1", "--nodes", "3");
        List<String> a = firstFaults;
        List<String> b = again.faults();
        int common = Math.min(a.size(), b.size());
        boolean same = a.subList(0, common).equals(b.subList(0, common)) && common > 0;
        System.out.println(row("3 members, seed 1 again", again));
        System.out.printf("seed 1 twice: %d and %d fault steps, the first %d %s%n", a.size(), b.size(), common,
                same ? "identical" : "DIFFERENT");
        System.out.printf("%d of %d runs failed%n", failed + (again.exit() == 0 ? 0 : 1), 2 * n + 1);
        if (failed > 0 || !same || again.exit() != 0) {
            throw new IllegalStateException("chaos runs failed or the seed did not repeat");
        }
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
