package lab.history;

/**
 * One client operation of a history.
 *
 * @param call when it was invoked (any monotonic clock; only the order matters)
 * @param ret when it completed; {@link Long#MAX_VALUE} when its outcome is unknown (it stays open to the end)
 * @param input what was asked (a model's own type)
 * @param output what came back, or null when unknown (the model accepts any output then)
 */
public record Op(int id, int process, String key, long call, long ret, Object input, Object output) {

    public boolean pending() {
        return ret == Long.MAX_VALUE;
    }
}
