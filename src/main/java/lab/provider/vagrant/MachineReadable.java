package lab.provider.vagrant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Vagrant's {@code --machine-readable} output: lines of {@code timestamp,target,type,data...}, where commas inside
 * data are written {@code %!(VAGRANT_COMMA)} and newlines as a literal backslash-n.
 */
public final class MachineReadable {

    /** One line; {@code target} is empty for messages about Vagrant as a whole. */
    public record Line(long timestamp, String target, String type, List<String> data) {
        public String datum(int i) {
            return i < data.size() ? data.get(i) : "";
        }
    }

    /** A machine as `vagrant status` reports it: state is Vagrant's id (running, poweroff, not_created, ...). */
    public record MachineState(String name, String provider, String state) {
        public boolean running() {
            return state.equals("running");
        }
    }

    private MachineReadable() {
    }

    public static List<Line> parse(String text) {
        List<Line> out = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String[] f = raw.split(",", -1);
            if (f.length < 3 || !f[0].matches("\\d+")) {
                continue; // not machine-readable (a plugin's stray output)
            }
            List<String> data = new ArrayList<>();
            Arrays.stream(f, 3, f.length).forEach(d -> data.add(unescape(d)));
            out.add(new Line(Long.parseLong(f[0]), f[1], f[2], data));
        }
        return out;
    }

    static String unescape(String s) {
        return s.replace("%!(VAGRANT_COMMA)", ",").replace("\\n", "\n").replace("\\r", "\r");
    }

    /** The machines of `vagrant status --machine-readable`, in the order Vagrant lists them. */
    public static Map<String, MachineState> status(String text) {
        Map<String, String> provider = new LinkedHashMap<>();
        Map<String, MachineState> out = new LinkedHashMap<>();
        for (Line l : parse(text)) {
            if (l.target().isEmpty()) {
                continue;
            }
            switch (l.type()) {
                case "provider-name" -> provider.put(l.target(), l.datum(0));
                case "metadata" -> {
                    if (l.datum(0).equals("provider")) {
                        provider.putIfAbsent(l.target(), l.datum(1));
                    }
                }
                case "state" -> out.put(l.target(), new MachineState(l.target(), provider.getOrDefault(l.target(), ""),
                        l.datum(0)));
                default -> {
                    // state-human-short, state-human-long, ui: for people
                }
            }
        }
        return out;
    }

    /**
     * What a `vagrant up --machine-readable` line says a machine is doing, for the progress display: the text of its
     * {@code ui} lines without Vagrant's "==> name: " prefix; empty for lines about no machine or not for people.
     */
    public static String progress(Line l) {
        if (l.target().isEmpty() || !l.type().equals("ui")) {
            return "";
        }
        String msg = l.datum(1).trim();
        String prefix = "==> " + l.target() + ": ";
        return msg.startsWith(prefix) ? msg.substring(prefix.length()).trim() : msg;
    }
}
