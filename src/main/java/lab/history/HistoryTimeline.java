package lab.history;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A history as a page a person can read: one lane per client process, one bar per operation from invocation to
 * completion (open to the right edge when its outcome is unknown), colour by kind, details on hover, and the
 * verdicts with their counterexamples above it.
 */
public final class HistoryTimeline {
    private static final int WIDTH = 1400;
    private static final int LANE = 18;
    private static final int LEFT = 110;

    private HistoryTimeline() {
    }

    /**
     * A fault while it held, in the history's time (nanoseconds since the workload started).
     *
     * @param label what it was, like "kill core-02"
     */
    public record Band(String label, long from, long to) {
    }

    /**
     * Who led from when to when, in the history's time.
     *
     * @param name the leader, or "" for none (no member named by a majority)
     */
    public record Leader(String name, long from, long to) {
    }

    public static String html(String title, List<Op> ops, Map<String, CheckResult> verdicts) {
        return html(title, ops, verdicts, List.of(), p -> "");
    }

    public static String html(String title, List<Op> ops, Map<String, CheckResult> verdicts, List<Band> bands,
                              java.util.function.IntFunction<String> via) {
        return html(title, ops, verdicts, bands, via, List.of(), List.of());
    }

    /**
     * @param bands the faults, drawn as shaded bands across every lane, named at the top
     * @param via the member a process's client was pinned to ("" when spread), shown by its lane
     * @param leaders the leader over time, drawn as a lane above the clients' (empty: not drawn)
     * @param notes lines said under the verdicts (the summary, the watchers' resumes)
     */
    public static String html(String title, List<Op> ops, Map<String, CheckResult> verdicts, List<Band> bands,
                              java.util.function.IntFunction<String> via, List<Leader> leaders, List<String> notes) {
        long end = 1;
        for (Op op : ops) {
            end = Math.max(end, op.pending() ? op.call() : op.ret());
        }
        for (Band band : bands) {
            end = Math.max(end, band.to());
        }
        for (Leader l : leaders) {
            end = Math.max(end, l.to());
        }
        end += end / 50 + 1;
        TreeMap<Integer, Integer> lanes = new TreeMap<>();
        ops.forEach(op -> lanes.putIfAbsent(op.process(), 0));
        int lane = 0;
        for (Map.Entry<Integer, Integer> e : lanes.entrySet()) {
            e.setValue(lane++);
        }
        int bandTop = bands.isEmpty() ? 0 : 14 + 12 * Math.min(4, bands.size());
        int top = bandTop + (leaders.isEmpty() ? 0 : LANE + 4);
        int lanesEnd = 30 + top + lanes.size() * LANE;
        int height = lanesEnd + (ops.isEmpty() ? 0 : PLOT + 40);
        StringBuilder b = new StringBuilder();
        b.append("<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>").append(esc(title))
                .append("</title>\n<style>body{font:13px sans-serif;margin:16px} .PASS{color:#176117} "
                        + ".FAIL{color:#a01010} .UNKNOWN{color:#8a6100} rect:hover{stroke:#000}</style></head>"
                        + "<body>\n<h1>").append(esc(title)).append("</h1>\n<ul>\n");
        verdicts.forEach((check, r) -> {
            b.append("<li><b>").append(esc(check)).append("</b>: <span class=\"").append(r.verdict()).append("\">")
                    .append(r.verdict()).append("</span> (").append(r.operations()).append(" operations)");
            if (!r.explanation().isEmpty()) {
                b.append("<ul>");
                r.explanation().forEach(x -> b.append("<li>").append(esc(x)).append("</li>"));
                b.append("</ul>");
            }
            b.append("</li>\n");
        });
        b.append("</ul>\n");
        if (!notes.isEmpty()) {
            b.append("<ul class=\"notes\">\n");
            notes.forEach(x -> b.append("<li>").append(esc(x)).append("</li>\n"));
            b.append("</ul>\n");
        }
        b.append("<p>").append(ops.size()).append(" operations; blue read, green write, purple cas, orange: "
                + "outcome unknown (open to the end), grey: cas that did not apply" + (bands.isEmpty() ? ""
                : "; shaded: a fault while it held (" + bands.size() + ")") + (leaders.isEmpty() ? ""
                : "; top lane: the leader (grey: none)") + ". Below: each operation's latency when it completed (log "
                + "scale; orange ticks on top: outcome unknown). Time in seconds since the workload started; hover "
                + "for details.</p>\n");
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(WIDTH + LEFT + 20).append("\" height=\"")
                .append(height).append("\">\n");
        for (int s = 0; s <= end / 1_000_000_000L; s++) {
            double x = LEFT + (double) s * 1e9 / end * WIDTH;
            b.append(String.format("<line x1=\"%.1f\" y1=\"12\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                    + "<text x=\"%.1f\" y=\"10\" font-size=\"10\">%ds</text>%n", x, x, height, x - 4, s));
        }
        int n = 0;
        for (Band band : bands) {
            double x = LEFT + (double) Math.max(0, band.from()) / end * WIDTH;
            double w = Math.max(2, (double) (band.to() - Math.max(0, band.from())) / end * WIDTH);
            b.append(String.format("<rect x=\"%.1f\" y=\"12\" width=\"%.1f\" height=\"%d\" fill=\"#d03030\" "
                    + "fill-opacity=\"0.10\"><title>%s, %.3f-%.3f s</title></rect>%n", x, w, height - 12,
                    esc(band.label()), band.from() / 1e9, band.to() / 1e9));
            b.append(String.format("<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#a01010\">%s</text>%n",
                    x + 2, 24 + 12 * (n++ % 4), esc(band.label())));
        }
        if (!leaders.isEmpty()) {
            int y = 15 + bandTop;
            b.append(String.format("<text x=\"2\" y=\"%d\" font-size=\"11\" font-weight=\"bold\">leader</text>%n",
                    y + 11));
            List<String> seen = new java.util.ArrayList<>();
            for (Leader l : leaders) {
                if (!l.name().isEmpty() && !seen.contains(l.name())) {
                    seen.add(l.name());
                }
                double x = LEFT + (double) l.from() / end * WIDTH;
                double w = Math.max(1, (double) (l.to() - l.from()) / end * WIDTH);
                String colour = l.name().isEmpty() ? "#bbbbbb" : PALETTE[seen.indexOf(l.name()) % PALETTE.length];
                b.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>"
                        + "%s, %.3f-%.3f s</title></rect>%n", x, y, w, LANE - 4, colour, l.name().isEmpty()
                        ? "no leader" : "leader " + esc(l.name()), l.from() / 1e9, l.to() / 1e9));
                if (w > 40 && !l.name().isEmpty()) {
                    b.append(String.format("<text x=\"%.1f\" y=\"%d\" font-size=\"10\" fill=\"#fff\">%s</text>%n",
                            x + 3, y + 11, esc(l.name())));
                }
            }
        }
        for (Map.Entry<Integer, Integer> e : lanes.entrySet()) {
            String m = via.apply(e.getKey());
            b.append(String.format("<text x=\"2\" y=\"%d\" font-size=\"11\">process %d%s</text>%n",
                    26 + top + e.getValue() * LANE, e.getKey(), m.isEmpty() ? "" : " " + esc(m)));
        }
        RegisterModel model = new RegisterModel();
        for (Op op : ops) {
            RegisterModel.In in = (RegisterModel.In) op.input();
            long to = op.pending() ? end : op.ret();
            double x = LEFT + (double) op.call() / end * WIDTH;
            double w = Math.max(1.5, (double) (to - op.call()) / end * WIDTH);
            int y = 15 + top + lanes.get(op.process()) * LANE;
            String colour = op.pending() ? "#f0a030" : switch (in.f()) {
                case "read" -> "#4a7fd0";
                case "write" -> "#3a9a4a";
                default -> Boolean.FALSE.equals(op.output()) ? "#aaaaaa" : "#8a4ac0";
            };
            b.append(String.format("<rect class=\"op\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\">"
                    + "<title>%s %s: %s, %.3f-%s s</title></rect>%n", x, y, w, LANE - 4, colour, esc(op.key()),
                    "process " + op.process(), esc(model.describe(op)), op.call() / 1e9,
                    op.pending() ? "?" : String.format("%.3f", op.ret() / 1e9)));
        }
        if (!ops.isEmpty()) {
            latency(b, ops, end, lanesEnd + 20);
        }
        return b.append("</svg>\n</body></html>\n").toString();
    }

    private static final int PLOT = 130;
    private static final String[] PALETTE = {"#3060b0", "#7a3fa0", "#2f8a8a", "#b06020", "#506020", "#a03060"};

    /** Each completed operation's latency at its completion time, log scale from 1 ms to the slowest (at least 1 s). */
    private static void latency(StringBuilder b, List<Op> ops, long end, int y0) {
        long max = 1_000_000_000L;
        for (Op op : ops) {
            if (!op.pending()) {
                max = Math.max(max, op.ret() - op.call());
            }
        }
        double decades = Math.log10(max / 1e6);
        b.append(String.format("<text x=\"2\" y=\"%d\" font-size=\"11\" font-weight=\"bold\">latency</text>%n",
                y0 + PLOT / 2));
        for (double ms = 1; ms <= max / 1e6 * 1.0001; ms *= 10) {
            double y = y0 + PLOT - Math.log10(ms) / decades * PLOT;
            b.append(String.format("<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                    + "<text x=\"%d\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\">%s</text>%n", LEFT, y,
                    LEFT + WIDTH, y, LEFT - 4, y + 3, ms >= 1000 ? (long) (ms / 1000) + " s" : (long) ms + " ms"));
        }
        for (Op op : ops) {
            RegisterModel.In in = (RegisterModel.In) op.input();
            if (op.pending()) {
                double x = LEFT + (double) op.call() / end * WIDTH;
                b.append(String.format("<rect class=\"unknown\" x=\"%.1f\" y=\"%d\" width=\"1.5\" height=\"6\" "
                        + "fill=\"#f0a030\"><title>"
                        + "%s %s at %.3f s: outcome unknown</title></rect>%n", x, y0 - 8, esc(in.f()), esc(op.key()),
                        op.call() / 1e9));
                continue;
            }
            long took = Math.max(1_000_000L, op.ret() - op.call());
            double x = LEFT + (double) op.ret() / end * WIDTH;
            double y = y0 + PLOT - Math.log10(took / 1e6) / decades * PLOT;
            String colour = switch (in.f()) {
                case "read" -> "#4a7fd0";
                case "write" -> "#3a9a4a";
                default -> "#8a4ac0";
            };
            b.append(String.format("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"1.6\" fill=\"%s\"><title>%s %s: %.1f ms"
                    + "</title></circle>%n", x, y, colour, esc(in.f()), esc(op.key()), (op.ret() - op.call()) / 1e6));
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
