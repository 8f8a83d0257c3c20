package lab.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import lab.etcd.EtcdHttp;
import lab.etcd.MemberStatus;
import lab.provider.ClusterStatus;
import lab.provider.NodeState;
import lab.report.StatusReport;
import lab.provider.Elections;
import lab.report.StatusReport;
import lab.provider.Lab;
import lab.report.StatusReport;
import lab.provider.Readiness;
import lab.report.StatusReport;
import lab.provider.StatusProbe;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "demo", description = "Bring up 3 local members, kill the leader, narrate the election, tear down.")
final class DemoCommand extends LabVerb implements Callable<Integer> {
    private static final Duration CALL = Duration.ofSeconds(2);

    @Option(names = "--name", defaultValue = "demo", description = "The demo lab's name (default: demo).")
    String name;

    @Option(names = "--keep", description = "Leave the lab running at the end (remove it with lab down --name demo).")
    boolean keep;

    private long t0;
    private PrintWriter out;

    private void say(String what) {
        out.printf("t+%5.2fs  %s%n", (System.nanoTime() - t0) / 1e9, what);
        out.flush();
    }

    @Override
    public Integer call() {
        out = spec.commandLine().getOut();
        var lab = SpecLoader.defaults(new Overrides(name, 3, null, null, null)).spec();
        out.println("lab demo: a 3-member etcd cluster on this machine, its leader killed, and what etcd does about "
                + "it.");
        out.println();
        t0 = System.nanoTime();
        say("bringing up core-01, core-02, core-03: one etcd each on its own loopback address, configured by the "
                + "rendered member user-data (static bootstrap, no discovery token)");
        try (Cancellation cancel = Cancellation.install(err(), "lab " + name + " may be left up")) {
            Lab[] created = new Lab[1];
            try {
                Lab.create(top.workDir(), lab, null, s -> { }, x -> created[0] = x);
                run(created[0]);
            } catch (RuntimeException e) {
                if (!cancel.cancelled()) {
                    throw e;
                }
            } finally {
                if (created[0] != null && keep) {
                    out.println("--keep: the lab stays up; `lab down --name " + name + "` removes it");
                } else if (created[0] != null) {
                    created[0].destroy();
                    say("torn down: every process stopped by PID, " + SpecOptions.display(top.workDir(),
                            created[0].dir().root()) + " removed");
                }
            }
            if (cancel.cancelled()) {
                err().println("lab: demo interrupted; " + (keep ? "the lab was kept (--keep)" : "nothing of it is "
                        + "left running"));
                return cancel.exitCode();
            }
        }
        out.printf("demo done in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        return ExitCode.OK;
    }

    private void run(Lab l) {
        Readiness.awaitCluster(l, Duration.ofSeconds(30));
        ClusterStatus s = StatusProbe.probe(l, Duration.ofMillis(500));
        say("cluster ready: leader " + s.leader().orElse("?") + ", term " + s.term());
        out.print(StatusReport.table(s));
        say("3 members, " + s.needed() + " needed for quorum: losing one leaves 2, so the cluster stays available");
        String old = s.leader().orElseThrow();
        NodeState oldNode = l.node(old);
        long rev = EtcdHttp.put(oldNode.clientUrl(), "/demo/greeting", "hello", CALL);
        say("wrote /demo/greeting = hello through " + old + " (revision " + rev + ")");
        long killedAt = System.nanoTime();
        l.kill(old);
        say("killed " + old + " (the leader) with SIGKILL: no goodbye, mid-heartbeat");
        Elections.Leader next = Elections.awaitNewLeader(l, old, killedAt, Duration.ofSeconds(15));
        say("new leader " + next.node() + ", term " + next.term() + ", elected "
                + String.format("%.2f s", next.after().toNanos() / 1e9) + " after the kill (election timeout "
                + "1000 ms plus a randomized wait)");
        long during = EtcdHttp.put(l.node(next.node()).clientUrl(), "/demo/during", "still writable", CALL);
        say("wrote /demo/during with " + old + " down: ok (revision " + during + "); 2 of 3 is a majority");
        l.start(old);
        say("restarted " + old + " with its data directory");
        Readiness.awaitCluster(l, Duration.ofSeconds(15));
        MemberStatus back = EtcdHttp.status(oldNode.clientUrl(), CALL);
        String seen = EtcdHttp.get(oldNode.clientUrl(), "/demo/during", CALL).orElse("(missing)");
        say(old + " rejoined as a follower with the same member id " + MemberStatus.hex(back.memberId())
                + (MemberStatus.hex(back.memberId()).equals(oldNode.memberId()) ? "" : " (was " + oldNode.memberId()
                + ")") + " and caught up: it reads /demo/during = " + seen + " at revision " + back.revision());
        out.print(StatusReport.table(StatusProbe.probe(l, Duration.ofMillis(500))));
    }
}
