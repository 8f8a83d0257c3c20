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

    /**
     * What a workload's watchers saw ({@code "format": "lab-watch/1"}): the start revision; per watcher, its events
     * as [revision, key, value, member, nanoseconds]; the resumes; the acknowledged writes as [revision, key, value,
     * nanoseconds]; the values of writes whose answer never came.
     */
    public static String watch(WatchHistory h) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "lab-watch/1");
        root.put("start", h.start());
        root.put("judged", h.caughtUp());
        ArrayNode ws = root.putArray("watchers");
        for (List<WatchHistory.Event> events : h.watchers()) {
            ArrayNode a = ws.addArray();
            for (WatchHistory.Event e : events) {
                a.addArray().add(e.revision()).add(e.key()).add(e.value()).add(e.member()).add(e.at());
            }
        }
        ArrayNode rs = root.putArray("resumes");
        for (WatchHistory.Resume r : h.resumes()) {
            rs.addObject().put("watcher", r.watcher()).put("at", r.at()).put("from", r.from()).put("to", r.to())
                    .put("after", r.after()).put("why", r.why());
        }
        ArrayNode writes = root.putArray("writes");
        for (WatchHistory.Write w : h.writes()) {
            writes.addArray().add(w.revision()).add(w.key()).add(w.value()).add(w.at());
        }
        ArrayNode un = root.putArray("unacknowledged");
        h.unacknowledged().stream().sorted().forEach(un::add);
        return root.toString();
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

    /** Reads what {@link #watch} wrote (a recorded run's watch.json). */
    public static WatchHistory readWatch(String file, String text) {
        JsonNode root = parse(file, text);
        if (!root.path("format").asText().equals("lab-watch/1")) {
            throw new BadInputException(file + ":1:1: not a watch history (\"format\": \"lab-watch/1\")");
        }
        List<List<WatchHistory.Event>> watchers = new ArrayList<>();
        for (JsonNode w : root.path("watchers")) {
            List<WatchHistory.Event> events = new ArrayList<>();
            for (JsonNode e : w) {
                events.add(new WatchHistory.Event(e.get(0).asLong(), e.get(1).asText(), e.get(2).asText(),
                        e.get(3).asText(), e.get(4).asLong()));
            }
            watchers.add(events);
        }
        List<WatchHistory.Resume> resumes = new ArrayList<>();
        for (JsonNode r : root.path("resumes")) {
            resumes.add(new WatchHistory.Resume(r.path("watcher").asInt(), r.path("at").asLong(),
                    r.path("from").asText(), r.path("to").asText(), r.path("after").asLong(), r.path("why").asText()));
        }
        List<WatchHistory.Write> writes = new ArrayList<>();
        for (JsonNode w : root.path("writes")) {
            writes.add(new WatchHistory.Write(w.get(1).asText(), w.get(2).asText(), w.get(0).asLong(),
                    w.get(3).asLong()));
        }
        java.util.Set<String> un = new java.util.HashSet<>();
        root.path("unacknowledged").forEach(v -> un.add(v.asText()));
        return new WatchHistory(root.path("start").asLong(), watchers, resumes, writes, un,
                root.path("judged").asBoolean());
    }

    private static JsonNode parse(String file, String text) {
        try {
            return JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(file + ":" + e.getLocation().getLineNr() + ":" + e.getLocation().getColumnNr()
                    + ": not JSON: " + e.getOriginalMessage());
        }
    }

    public static boolean looksLike(String text) {
        return text.stripLeading().startsWith("{") && text.contains(FORMAT);
    }

    public static List<Op> read(String file, String text) {
        JsonNode root = parse(file, text);
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
