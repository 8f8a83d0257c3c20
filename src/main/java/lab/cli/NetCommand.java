package lab.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import lab.net.LinkRules;
import lab.provider.Lab;
import lab.provider.Network;
import lab.provider.Targets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "net", description = "Network faults between members: partition, isolate, block, delay, heal.")
final class NetCommand extends RunningLabVerb {
    private int report(String what, LinkRules r) {
        spec.commandLine().getOut().println(what + " (" + r.cut().size() + " link(s) cut, " + r.delays().size()
                + " delayed node(s))");
        return ExitCode.OK;
    }

    @Command(name = "partition", description = "Cut the links between groups: partition core-01,core-02 core-03.")
    int partition(@Parameters(paramLabel = "GROUP", arity = "2..*", description = "Comma-separated node names.")
                  List<String> groups) {
        List<List<String>> g = groups.stream().map(s -> Arrays.stream(s.split(",")).map(String::trim)
                .filter(x -> !x.isEmpty()).toList()).toList();
        return report("partitioned " + String.join(" | ", groups), Network.partition(lab(), g));
    }

    @Command(name = "isolate", description = "Cut one member (name, leader, follower, random) off from all others.")
    int isolate(@Parameters(paramLabel = "TARGET", description = NodeCommand.TARGET_HELP) String target) {
        Lab lab = lab();
        String node = Targets.resolve(lab, target, new Random());
        return report("isolated " + node, Network.isolate(lab, node));
    }

    @Command(name = "block", description = "Drop raft messages from one member to another, one direction only.")
    int block(@Parameters(index = "0", paramLabel = "FROM", description = "The member whose messages are dropped.") String from,
              @Parameters(index = "1", paramLabel = "TO", description = "The member that no longer receives them.") String to) {
        Lab lab = lab();
        String f = Targets.resolve(lab, from, new Random());
        String t = Targets.resolve(lab, to, new Random());
        return report("blocked " + f + " -> " + t, Network.block(lab, f, t));
    }

    @Command(name = "delay", description = "Delay a member's peer traffic: delay core-02 200ms or 200ms±50ms.")
    int delay(@Parameters(index = "0", paramLabel = "TARGET", description = NodeCommand.TARGET_HELP) String target,
              @Parameters(index = "1", paramLabel = "DELAY", description = "Like 200ms or 200ms±50ms (jitter).") String delay) {
        Lab lab = lab();
        String node = Targets.resolve(lab, target, new Random());
        return report("delayed " + node + " by " + delay, Network.delay(lab, node, delay));
    }

    @Command(name = "heal", description = "Restore every link and remove every delay.")
    int heal() {
        return report("healed", Network.heal(lab()));
    }
}
