package lab.cli;

import java.util.Random;
import java.util.function.BiConsumer;
import lab.provider.Lab;
import lab.provider.Targets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "node", description = "Node faults: kill, stop, start, restart, wipe, pause, resume.",
        footer = {"", "TARGET is a node name, leader, follower or random; it is resolved when the command runs."})
final class NodeCommand extends RunningLabVerb {
    static final String TARGET_HELP = "A node name (core-02), or leader, follower (a running member that is not the "
            + "leader) or random, resolved when the command runs.";

    private int apply(String target, String verb, String done, BiConsumer<Lab, String> action) {
        var out = spec.commandLine().getOut();
        Lab lab = lab();
        String node = Targets.resolve(lab, target, new Random());
        action.accept(lab, node);
        out.println(done + " " + node + (node.equals(target) ? "" : " (" + target + ")"));
        return ExitCode.OK;
    }

    @Command(name = "kill", description = "SIGKILL the node's etcd: it dies mid-write, as on a power cut.")
    int kill(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "kill", "killed", Lab::kill);
    }

    @Command(name = "stop", description = "SIGTERM: a clean shutdown.")
    int stop(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "stop", "stopped", Lab::stop);
    }

    @Command(name = "start", description = "Start the node's etcd again from its user-data (and its data, if any).")
    int start(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "start", "started", Lab::start);
    }

    @Command(name = "restart", description = "Stop and start, keeping the data directory.")
    int restart(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "restart", "restarted", Lab::restart);
    }

    @Command(name = "wipe", description = "Stop and delete the data directory (the stateless-node reboot).")
    int wipe(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "wipe", "wiped", Lab::wipe);
    }

    @Command(name = "pause", description = "SIGSTOP: the process freezes, its sockets stay open.")
    int pause(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "pause", "paused", Lab::pause);
    }

    @Command(name = "resume", description = "SIGCONT a paused node.")
    int resume(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "resume", "resumed", Lab::resume);
    }

    @Command(name = "poweroff", description = "Cut the node's power: `vagrant halt --force` on a VM; a kill of etcd "
            + "on local and netns nodes. Down until started.")
    int poweroff(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "poweroff", "powered off", Lab::powerOff);
    }

    @Command(name = "reboot", description = "Reboot the node: `vagrant reload` on a VM (etcd starts at boot with its "
            + "data); a restart of etcd on local and netns nodes.")
    int reboot(@Parameters(paramLabel = "TARGET", description = TARGET_HELP) String target) {
        return apply(target, "reboot", "rebooted", Lab::reboot);
    }
}
