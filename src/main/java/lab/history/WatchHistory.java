package lab.history;

import java.util.List;

/**
 * What a workload's watchers saw, next to what its writers were told: the input of {@link WatchCheck}.
 *
 * @param start the revision the watchers started after (every watcher asked for events from {@code start + 1})
 * @param watchers the events each watcher delivered, in the order it delivered them, by watcher index
 * @param resumes each time a watcher lost its member and resumed through another
 * @param writes every write and applied cas whose answer came, with the revision the answer's header carried
 * @param unacknowledged the values of writes whose answer never came (they may have been applied: a watcher may see
 *     them, and they fill no gap when it does not)
 * @param caughtUp true when the watchers were given the time to deliver every acknowledged write before they
 *     stopped (the lab was healed); false when a failed step left the lab broken, so that a write no watcher
 *     delivered yet is not judged
 */
public record WatchHistory(long start, List<List<Event>> watchers, List<Resume> resumes, List<Write> writes,
                           java.util.Set<String> unacknowledged, boolean caughtUp) {

    /**
     * One event a watcher delivered.
     *
     * @param member the member whose stream delivered it
     * @param at when it arrived (nanoseconds in the workload's time)
     */
    public record Event(long revision, String key, String value, String member, long at) {
    }

    /**
     * A watcher's move from one member to another.
     *
     * @param after the last revision it had delivered; it asked the new member for {@code after + 1} on
     * @param why what it noticed: the stream's error, or a write acknowledged and not delivered in time
     */
    public record Resume(int watcher, long at, String from, String to, long after, String why) {
    }

    /** An acknowledged write (or applied cas): its key, its unique value, the revision it made, when it returned. */
    public record Write(String key, String value, long revision, long at) {
    }
}
