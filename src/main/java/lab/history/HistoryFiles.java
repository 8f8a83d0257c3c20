package lab.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.spec.BadInputException;

/**
 * Reads saved histories: Jepsen's etcd register log ({@code INFO jepsen.util - 3 :ok :read 4}) and the kv format
 * of Porcupine's test data ({@code {:process 0, :type :ok, :f :get, :key "7", :value ""}}). Time is the line
 * number: both formats list events in real-time order.
 */
public final class HistoryFiles {
    private static final Pattern JEPSEN = Pattern.compile(
            "^INFO\\s+jepsen\\.util\\s+-\\s+(\\d+)\\s+:(invoke|ok|fail|info)\\s+:(read|write|cas)\\s+(.*?)\\s*$");
    private static final Pattern KV = Pattern.compile(
            "^\\{:process (\\d+), :type :(invoke|ok|fail|info), :f :(get|put|append), :key \"([^\"]*)\", "
                    + ":value (nil|\"[^\"]*\")\\}\\s*$");

    private HistoryFiles() {
    }

    public enum Format {
        JEPSEN_REGISTER, KV, LAB_JSON
    }

    public static Format detect(String file, String text) {
        if (HistoryJson.looksLike(text)) {
            return Format.LAB_JSON;
        }
        String first = text.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        if (JEPSEN.matcher(first).matches()) {
            return Format.JEPSEN_REGISTER;
        }
        if (KV.matcher(first).matches()) {
            return Format.KV;
        }
        throw new BadInputException(file + ":1:1: not a history this checker reads (a lab history.json, Jepsen etcd "
                + "log lines or {:process ..., :type ..., :f ..., :key ..., :value ...} maps)");
    }

    /** Jepsen's etcd register test: one register, values are integers, nil is absent. */
    public static List<Op> jepsen(String file, String text) {
        List<Op> ops = new ArrayList<>();
        Map<Integer, long[]> open = new HashMap<>(); // process -> {call line, index into invokes}
        Map<Integer, RegisterModel.In> inputs = new HashMap<>();
        int line = 0;
        for (String l : text.split("\n")) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            Matcher m = JEPSEN.matcher(l);
            if (!m.matches()) {
                throw new BadInputException(file + ":" + line + ":1: not a Jepsen etcd log line: " + l.trim());
            }
            int p = Integer.parseInt(m.group(1));
            String type = m.group(2);
            String f = m.group(3);
            String v = m.group(4);
            if (type.equals("invoke")) {
                open.put(p, new long[] {line});
                inputs.put(p, switch (f) {
                    case "read" -> new RegisterModel.In("read", null, null);
                    case "write" -> new RegisterModel.In("write", number(v), null);
                    default -> {
                        Long[] ab = pair(v);
                        yield new RegisterModel.In("cas", ab[0], ab[1]);
                    }
                });
                continue;
            }
            long[] call = open.remove(p);
            RegisterModel.In in = inputs.remove(p);
            if (call == null) {
                throw new BadInputException(file + ":" + line + ":1: process " + p + " completes a call it never made");
            }
            Object output;
            long ret = line;
            if (type.equals("info")) {
                output = null;
                ret = Long.MAX_VALUE;
            } else if (type.equals("fail")) {
                output = f.equals("cas") ? Boolean.FALSE : null; // a failed read timed out: any value
            } else {
                output = switch (f) {
                    case "read" -> new RegisterModel.Value(number(v));
                    case "cas" -> Boolean.TRUE;
                    default -> Boolean.TRUE;
                };
            }
            ops.add(new Op(ops.size(), p, "register", call[0], ret, in, output));
        }
        open.forEach((p, call) -> ops.add(new Op(ops.size(), p, "register", call[0], Long.MAX_VALUE, inputs.get(p),
                null)));
        return ops;
    }

    /** Porcupine's kv histories: string values per key, every key starting as "". */
    public static List<Op> kv(String file, String text) {
        List<Op> ops = new ArrayList<>();
        Map<Integer, Object[]> open = new HashMap<>();
        int line = 0;
        for (String l : text.split("\n")) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            Matcher m = KV.matcher(l);
            if (!m.matches()) {
                throw new BadInputException(file + ":" + line + ":1: not a kv history line: " + l.trim());
            }
            int p = Integer.parseInt(m.group(1));
            String type = m.group(2);
            String value = m.group(5).equals("nil") ? null : m.group(5).substring(1, m.group(5).length() - 1);
            if (type.equals("invoke")) {
                open.put(p, new Object[] {(long) line, new KvModel.In(m.group(3), value), m.group(4)});
                continue;
            }
            Object[] call = open.remove(p);
            if (call == null) {
                throw new BadInputException(file + ":" + line + ":1: process " + p + " completes a call it never made");
            }
            KvModel.In in = (KvModel.In) call[1];
            if (type.equals("fail")) {
                continue; // it definitely did not happen
            }
            boolean known = type.equals("ok");
            Object output = known && in.f().equals("get") ? value : null;
            ops.add(new Op(ops.size(), p, (String) call[2], (Long) call[0], known ? line : Long.MAX_VALUE, in,
                    output));
        }
        open.forEach((p, call) -> ops.add(new Op(ops.size(), p, (String) call[2], (Long) call[0], Long.MAX_VALUE,
                call[1], null)));
        return ops;
    }

    private static Long number(String v) {
        return v.equals("nil") ? null : Long.parseLong(v.trim());
    }

    private static Long[] pair(String v) {
        String[] ab = v.replace("[", "").replace("]", "").trim().split("\\s+");
        return new Long[] {Long.parseLong(ab[0]), Long.parseLong(ab[1])};
    }
}
