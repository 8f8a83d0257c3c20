package lab.history;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * etcd's documented watch guarantees (https://etcd.io/docs/v3.4/learning/api_guarantees/#watch-apis, "Ordered",
 * "Unique", "Reliable", "Resumable"), checked against the writes the workload was told were applied:
 * <ul>
 * <li>ordered: a watcher delivers events in increasing revision;</li>
 * <li>no duplicates: no (revision, key) twice, including across a resume;</li>
 * <li>no gaps: every revision of the workload's keys that anyone saw or wrote between a watcher's start and its last
 * delivered event is delivered by it (a resume from the last revision + 1 must not skip one);</li>
 * <li>every acknowledged write delivered by every watcher, once the lab was healed and they had time to catch up;</li>
 * <li>revisions match: an event carries the key and revision its write's answer named, and every watcher agrees on
 * what happened at a revision.</li>
 * </ul>
 * Failures name the watcher, the revision and the member whose stream was concerned. Linear in the history's size.
 */
public final class WatchCheck {
    private static final int SHOWN = 10;

    private WatchCheck() {
    }

    public static CheckResult check(WatchHistory h) {
        List<String> problems = new ArrayList<>();
        Map<String, WatchHistory.Write> byValue = new HashMap<>();
        // what happened at each revision of the workload's keys: an acknowledged write, or the first event of it
        TreeMap<Long, String> at = new TreeMap<>();
        TreeMap<Long, WatchHistory.Write> writes = new TreeMap<>();
        for (WatchHistory.Write w : h.writes()) {
            byValue.put(w.value(), w);
            at.put(w.revision(), w.key() + "=" + w.value());
            writes.put(w.revision(), w);
        }
        int events = 0;
        for (int i = 0; i < h.watchers().size(); i++) {
            for (WatchHistory.Event e : h.watchers().get(i)) {
                events++;
                String what = e.key() + "=" + e.value();
                String before = at.putIfAbsent(e.revision(), what);
                if (before != null && !before.equals(what)) {
                    problems.add(name(i, e.member()) + " delivered " + what + " at revision " + e.revision()
                            + ", where " + before + " was written");
                }
                WatchHistory.Write w = byValue.get(e.value());
                if (w != null && (w.revision() != e.revision() || !w.key().equals(e.key()))) {
                    problems.add(name(i, e.member()) + " delivered " + what + " at revision " + e.revision()
                            + "; its write was acknowledged as " + w.key() + " at revision " + w.revision());
                } else if (w == null && !h.unacknowledged().contains(e.value())) {
                    problems.add(name(i, e.member()) + " delivered " + what + " at revision " + e.revision()
                            + ", which no client wrote (neither an acknowledged write nor one whose answer was lost)");
                }
            }
        }
        for (int i = 0; i < h.watchers().size(); i++) {
            List<WatchHistory.Event> es = h.watchers().get(i);
            Set<String> seen = new HashSet<>();
            Set<Long> revisions = new HashSet<>();
            long last = h.start();
            String lastMember = "";
            for (WatchHistory.Event e : es) {
                if (!seen.add(e.revision() + "\u0000" + e.key())) {
                    problems.add(name(i, e.member()) + " delivered revision " + e.revision() + " (" + e.key()
                            + ") twice");
                } else if (e.revision() < last) {
                    problems.add(name(i, e.member()) + " delivered revision " + e.revision() + " after revision "
                            + last + (lastMember.equals(e.member()) ? "" : " through " + lastMember)
                            + ": out of order");
                }
                if (e.revision() > last) {
                    // a revision anyone saw or wrote between the last delivered one and this one, skipped
                    for (Map.Entry<Long, String> g : at.subMap(last, false, e.revision(), false).entrySet()) {
                        if (!revisions.contains(g.getKey())) {
                            problems.add(name(i, e.member()) + " skipped revision " + g.getKey() + " (" + g.getValue()
                                    + acked(writes.get(g.getKey())) + "): it delivered " + (last == h.start()
                                    ? "nothing before" : "revision " + last + " through " + lastMember + ", then")
                                    + " revision " + e.revision() + " through " + e.member());
                        }
                    }
                    last = e.revision();
                    lastMember = e.member();
                }
                revisions.add(e.revision());
            }
            if (h.caughtUp()) {
                // one line per watcher: the first write it never delivered, and how many more
                java.util.SortedMap<Long, WatchHistory.Write> missed = writes.tailMap(last, false);
                if (!missed.isEmpty()) {
                    WatchHistory.Write w = missed.get(missed.firstKey());
                    problems.add(name(i, lastMember) + " never delivered revision " + w.revision() + " (" + w.key()
                            + "=" + w.value() + acked(w) + ")" + (missed.size() > 1 ? " nor " + (missed.size() - 1)
                            + " later acknowledged write(s)" : "") + "; its last event was "
                            + (last == h.start() ? "none" : "revision " + last + " through " + lastMember));
                }
            }
        }
        List<String> shown = new ArrayList<>(problems.subList(0, Math.min(SHOWN, problems.size())));
        if (problems.size() > SHOWN) {
            shown.add("... and " + (problems.size() - SHOWN) + " more");
        }
        return new CheckResult(problems.isEmpty() ? Verdict.PASS : Verdict.FAIL, events, h.watchers().size(), shown);
    }

    private static String name(int watcher, String member) {
        return "watcher " + watcher + (member.isEmpty() ? "" : " (via " + member + ")");
    }

    private static String acked(WatchHistory.Write w) {
        return w == null ? "" : String.format(", acknowledged at %.3f s", w.at() / 1e9);
    }
}
