package lab.report;

import java.util.ArrayList;
import java.util.List;

/** A text table in etcdctl's {@code -w table} style. */
public final class Table {
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this.header = List.of(header);
    }

    public Table row(Object... cells) {
        List<String> r = new ArrayList<>();
        for (Object c : cells) {
            r.add(String.valueOf(c));
        }
        rows.add(r);
        return this;
    }

    @Override
    public String toString() {
        int[] w = new int[header.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = header.get(i).length();
            for (List<String> r : rows) {
                w[i] = Math.max(w[i], r.get(i).length());
            }
        }
        StringBuilder line = new StringBuilder("+");
        for (int x : w) {
            line.append("-".repeat(x + 2)).append('+');
        }
        StringBuilder b = new StringBuilder().append(line).append('\n');
        b.append(format(header, w, true)).append(line).append('\n');
        for (List<String> r : rows) {
            b.append(format(r, w, false));
        }
        return b.append(line).append('\n').toString();
    }

    private static String format(List<String> cells, int[] w, boolean center) {
        StringBuilder b = new StringBuilder("|");
        for (int i = 0; i < w.length; i++) {
            String c = cells.get(i);
            int pad = w[i] - c.length();
            int left = center ? pad / 2 : 0;
            b.append(' ').append(" ".repeat(left)).append(c).append(" ".repeat(pad - left)).append(" |");
        }
        return b.append('\n').toString();
    }
}
