package lab.history;

import java.util.Objects;

/**
 * A single register, initially absent: read, write(v), cas(from, to), as in Jepsen's etcd test. A read must see
 * the current value; a cas that returned true needs the state to equal {@code from}, one that returned false
 * needs it to differ; an unknown output accepts either.
 */
public final class RegisterModel implements Model<RegisterModel.Value> {

    /** The register's content; {@code value} null means absent. Also what a read returns. */
    public record Value(Object value) {
        @Override
        public String toString() {
            return value == null ? "absent" : String.valueOf(value);
        }
    }

    /** read(), write(a) or cas(a, b). */
    public record In(String f, Object a, Object b) {
    }

    @Override
    public Value init() {
        return new Value(null);
    }

    @Override
    public Value step(Value state, Op op) {
        In in = (In) op.input();
        switch (in.f()) {
            case "read":
                return op.output() == null || op.output().equals(state) ? state : null;
            case "write":
                return new Value(in.a());
            case "cas": {
                boolean matches = Objects.equals(state.value(), in.a());
                if (op.output() != null && (Boolean) op.output() != matches) {
                    return null;
                }
                return matches ? new Value(in.b()) : state;
            }
            default:
                throw new IllegalArgumentException("unknown register operation " + in.f());
        }
    }

    @Override
    public String describe(Op op) {
        In in = (In) op.input();
        String out = op.output() == null ? "?" : op.output() instanceof Value v ? String.valueOf(v.value())
                : String.valueOf(op.output());
        return switch (in.f()) {
            case "read" -> "read() -> " + out;
            case "write" -> "write(" + in.a() + ")";
            default -> "cas(" + in.a() + ", " + in.b() + ") -> " + out;
        };
    }
}
