package lab.history;

import java.util.Objects;

/**
 * One key of a key-value store whose values are strings, initially "": get must return the current value, put
 * replaces it, append concatenates. Histories over many keys are checked key by key (linearizability is
 * compositional), each with this model.
 */
public final class KvModel implements Model<String> {

    /** get(), put(v) or append(v). */
    public record In(String f, String value) {
    }

    @Override
    public String init() {
        return "";
    }

    @Override
    public String step(String state, Op op) {
        In in = (In) op.input();
        return switch (in.f()) {
            case "get" -> op.output() == null || Objects.equals(op.output(), state) ? state : null;
            case "put" -> in.value();
            case "append" -> state + in.value();
            default -> throw new IllegalArgumentException("unknown kv operation " + in.f());
        };
    }

    @Override
    public String describe(Op op) {
        In in = (In) op.input();
        return op.key() + ": " + switch (in.f()) {
            case "get" -> "get() -> " + (op.output() == null ? "?" : "\"" + op.output() + "\"");
            default -> in.f() + "(\"" + in.value() + "\")";
        };
    }
}
