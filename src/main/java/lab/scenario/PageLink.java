package lab.scenario;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import lab.daemon.DaemonClient;
import lab.provider.Lab;

/**
 * A running scenario's timeline, as it happens, to the lab's live page (`lab ui`): each line goes to the lab's
 * daemon, which streams it to any open page; while `--step` waits for Enter it says so, and a click on the page's
 * "next step" advances the run as Enter would. Lines are sent in order from one thread, never holding up the run;
 * a lab without a daemon, or a daemon of an older build, just gets nothing.
 */
final class PageLink implements AutoCloseable {
    private final DaemonClient daemon;
    private final ExecutorService sender;
    private long advancedSeen = -1;

    private PageLink(DaemonClient daemon) {
        this.daemon = daemon;
        this.sender = daemon == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "page-link");
            t.setDaemon(true);
            return t;
        });
    }

    static PageLink of(Lab lab) {
        try {
            return new PageLink(lab.daemonProblem().isPresent() ? null : lab.daemon());
        } catch (RuntimeException e) {
            return new PageLink(null);
        }
    }

    void line(String text) {
        post("/ui/timeline", text);
    }

    void step(String text, boolean waiting) {
        if (waiting && advancedSeen < 0) {
            advancedSeen = count(); // clicks before this wait do not count
        }
        post("/ui/step", (waiting ? "waiting" : "running") + "\n" + text);
    }

    /** Whether the page's "next step" was clicked since the run began waiting. */
    boolean advanced() {
        long now = count();
        if (now > advancedSeen && advancedSeen >= 0) {
            advancedSeen = now;
            return true;
        }
        return false;
    }

    private long count() {
        if (daemon == null) {
            return 0;
        }
        try {
            return Long.parseLong(daemon.get("/ui/advanced").trim());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private void post(String path, String body) {
        if (sender == null) {
            return;
        }
        sender.submit(() -> {
            try {
                daemon.post(path, body);
            } catch (RuntimeException e) {
                // no page to tell: the run goes on
            }
        });
    }

    @Override
    public void close() {
        if (sender != null) {
            sender.shutdown();
            try {
                sender.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
