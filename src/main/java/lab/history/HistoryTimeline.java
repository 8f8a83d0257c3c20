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

    public static String html(String title, List<Op> ops, Map<String, CheckResult> verdicts) {
        return html(title, ops, verdicts, List.of(), p -> "");
    }

    /**
     * @param bands the faults, drawn as shaded bands across every lane, named at the top
     * @param via the member a process's client was pinned to ("" when spread), shown by its lane
     */
    public static String html(String title, List<Op> ops, Map<String, CheckResult> verdicts, List<Band> bands,
                              java.util.function.IntFunction<String> via) {
        long end = 1;
        for (Op op : ops) {
            end = Math.max(end, op.pending() ? op.call() : op.ret());
        }
        for (Band band : bands) {
            end = Math.max(end, band.to());
        }
        end += end / 50 + 1;
        TreeMap<Integer, Integer> lanes = new TreeMap<>();
        ops.forEach(op -> lanes.putIfAbsent(op.process(), 0));
        int lane = 0;
        for (Map.Entry<Integer, Integer> e : lanes.entrySet()) {
            e.setValue(lane++);
        }
        int top = bands.isEmpty() ? 0 : 14 + 12 * Math.min(4, bands.size());
        int height = 30 + top + lanes.size() * LANE;
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
        b.append("</ul>\n<p>").append(ops.size()).append(" operations; blue read, green write, purple cas, orange: "
                + "outcome unknown (open to the end), grey: cas that did not apply" + (bands.isEmpty() ? ""
                : "; shaded: a fault while it held (" + bands.size() + ")") + ". Time in seconds since the "
                + "workload started; hover a bar for details.</p>\n");
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
            b.append(String.format("<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s "
                    + "%s: %s, %.3f-%s s</title></rect>%n", x, y, w, LANE - 4, colour, esc(op.key()),
                    "process " + op.process(), esc(model.describe(op)), op.call() / 1e9,
                    op.pending() ? "?" : String.format("%.3f", op.ret() / 1e9)));
        }
        return b.append("</svg>\n</body></html>\n").toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
