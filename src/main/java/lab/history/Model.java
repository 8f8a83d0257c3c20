package lab.history;

/** A sequential specification: what an operation may return in a state, and the state after it. */
public interface Model<S> {

    /** The state before any operation. */
    S init();

    /**
     * The state after {@code op} when applying it to {@code state} can produce the op's output (any output when
     * it is unknown), or null when it cannot.
     */
    S step(S state, Op op);

    /** A short text of an operation, for counterexamples. */
    String describe(Op op);
}
