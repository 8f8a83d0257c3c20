package lab.cli;

import java.io.PrintWriter;
import java.util.concurrent.atomic.AtomicInteger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT (Ctrl-C) and SIGTERM (a cancelled CI job) for commands that run long and own what they started (up, run,
 * demo): the first signal asks the command to stop where it is, write what it has and take its lab down, and says so
 * in one line; the command then exits 130 (SIGINT) or 143 (SIGTERM). A second signal does not wait: it exits at once
 * (what is left is named, and `lab down` removes it). Handlers are this JVM's, so they are restored on close.
 *
 * <p>A signal that was ignored when lab started (a background job of a non-interactive shell ignores SIGINT) stays
 * ignored: the JVM cannot take that back, and such a job is not reached by Ctrl-C anyway.
 *
 * <p>sun.misc.Signal (module jdk.unsupported) rather than a shutdown hook: a hook runs while the JVM is already
 * exiting, cannot tell SIGINT from SIGTERM, and cannot be given a second signal.
 */
final class Cancellation implements AutoCloseable {
    private static final String[] SIGNALS = {"INT", "TERM"};
    private final Thread main;
    private final PrintWriter err;
    private final String what;
    private final AtomicInteger received = new AtomicInteger();
    private volatile String first;
    private final SignalHandler[] previous = new SignalHandler[SIGNALS.length];

    /** @param what what a forced exit leaves behind, for its one line ("lab run-kill-leader may be left up") */
    private Cancellation(PrintWriter err, String what) {
        this.main = Thread.currentThread();
        this.err = err;
        this.what = what;
    }

    static Cancellation install(PrintWriter err, String what) {
        Cancellation c = new Cancellation(err, what);
        for (int i = 0; i < SIGNALS.length; i++) {
            c.previous[i] = Signal.handle(new Signal(SIGNALS[i]), c::handle);
        }
        return c;
    }

    private void handle(Signal s) {
        if (received.incrementAndGet() == 1) {
            first = s.getName();
            err.println("lab: interrupted (SIG" + s.getName() + "): stopping, saving what was done and taking the lab "
                    + "down (press Ctrl-C again to quit at once)");
            err.flush();
            main.interrupt();
        } else {
            err.println("lab: quit at once (SIG" + s.getName() + "); " + what + ": `lab down` removes it");
            err.flush();
            Runtime.getRuntime().halt(exitCode());
        }
    }

    boolean cancelled() {
        return first != null;
    }

    /** 130 after SIGINT, 143 after SIGTERM (128 + the signal number, as a shell reports it). */
    int exitCode() {
        return "TERM".equals(first) ? 143 : 130;
    }

    @Override
    public void close() {
        for (int i = 0; i < SIGNALS.length; i++) {
            if (previous[i] != null) {
                Signal.handle(new Signal(SIGNALS[i]), previous[i]);
            }
        }
        Thread.interrupted(); // an interrupt meant for the command is not the caller's
    }
}
