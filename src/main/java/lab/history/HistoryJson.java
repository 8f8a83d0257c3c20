package lab.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import lab.spec.BadInputException;

/**
 * A recorded register history as JSON ({@code "format": "lab-history/1"}): one object per operation with process,
 * key, f (read, write, cas), the arguments, type (ok, or info when the outcome is unknown), call and ret in
 * nanoseconds since the workload started (ret null when unknown), and the result (the value read, cas's boolean).
 */
public final class HistoryJson {
    public static final String FORMAT = "lab-history/1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private HistoryJson() {
    }

    public static String write(List<Op> ops) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        ArrayNode arr = root.putArray("ops");
        for (Op op : ops) {
            RegisterModel.In in = (RegisterModel.In) op.input();
            ObjectNode o = arr.addObject();
            o.put("process", op.process());
            o.put("key", op.key());
            o.put("f", in.f());
            if (in.f().equals("write")) {
                o.put("value", String.valueOf(in.a()));
            } else if (in.f().equals("cas")) {
                o.put("from", in.a() == null ? null : String.valueOf(in.a()));
                o.put("to", String.valueOf(in.b()));
            }
            o.put("type", op.pending() ? "info" : "ok");
            o.put("call", op.call());
            if (op.pending()) {
                o.putNull("ret");
            } else {
                o.put("ret", op.ret());
            }
            if (in.f().equals("read") && op.output() != null) {
                Object v = ((RegisterModel.Value) op.output()).value();
                o.put("result", v == null ? null : String.valueOf(v));
            } else if (in.f().equals("cas") && op.output() != null) {
                o.put("result", (Boolean) op.output());
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static boolean looksLike(String text) {
        return text.stripLeading().startsWith("{") && text.contains(FORMAT);
    }

    public static List<Op> read(String file, String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr()
                    + ": not JSON: " + e.getOriginalMessage());
        }
        List<Op> ops = new ArrayList<>();
        int i = 0;
        for (JsonNode o : root.path("ops")) {
            String f = o.path("f").asText();
            String key = o.path("key").asText();
            boolean pending = o.path("ret").isNull() || o.path("type").asText().equals("info");
            long call = o.path("call").asLong();
            long ret = pending ? Long.MAX_VALUE : o.path("ret").asLong();
            RegisterModel.In in;
            Object out;
            switch (f) {
                case "read" -> {
                    in = new RegisterModel.In("read", null, null);
                    out = pending ? null : new RegisterModel.Value(o.path("result").isNull() ? null
                            : o.path("result").asText());
                }
                case "write" -> {
                    in = new RegisterModel.In("write", o.path("value").asText(), null);
                    out = null;
                }
                case "cas" -> {
                    in = new RegisterModel.In("cas", o.path("from").isNull() ? null : o.path("from").asText(),
                            o.path("to").asText());
                    out = pending ? null : o.path("result").asBoolean();
                }
                default -> throw new BadInputException(file + ": operation " + (i + 1) + " has f \"" + f
                        + "\"; a lab history has read, write and cas");
            }
            ops.add(new Op(i++, o.path("process").asInt(), key, call, ret, in, out));
        }
        return ops;
    }
}
