package lab.cli;

import lab.etcd.Member;
import lab.provider.Membership;
import lab.report.Table;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "member", description = "Membership: list, add, remove, promote, replace, force-new-cluster.")
final class MemberCommand extends RunningLabVerb {
    @Command(name = "list", description = "The cluster's member list (linearizable).")
    int list() {
        Table t = new Table("ID", "NAME", "PEER URLS", "CLIENT URLS", "LEARNER");
        for (Member m : Membership.list(lab())) {
            t.row(Long.toHexString(m.id()), m.name().isEmpty() ? "(not started)" : m.name(),
                    String.join(",", m.peerUrls()), String.join(",", m.clientUrls()), m.learner());
        }
        spec.commandLine().getOut().print(t);
        return ExitCode.OK;
    }

    @Command(name = "add", description = "Add a member through the cluster and start it with "
            + "initial-cluster-state existing.")
    int add(@Parameters(paramLabel = "NAME", arity = "0..1", description = "Default: the next free core-NN.")
            String name,
            @Option(names = "--learner", description = "Add it as a non-voting learner (promote it later).")
            boolean learner) {
        Membership.add(lab(), name, learner);
        return ExitCode.OK;
    }

    @Command(name = "remove", description = "Remove a member through the cluster, then stop it.")
    int remove(@Parameters(paramLabel = "NAME", description = "The member to remove, like core-03.") String name) {
        Membership.remove(lab(), name);
        return ExitCode.OK;
    }

    @Command(name = "promote", description = "Make a learner a voting member.")
    int promote(@Parameters(paramLabel = "NAME", description = "The learner to promote to a voting member.") String name) {
        Membership.promote(lab(), name);
        return ExitCode.OK;
    }

    @Command(name = "replace", description = "Remove, wipe and add back under the same name: a new member id.")
    int replace(@Parameters(paramLabel = "NAME", description = "The member to replace (removed, wiped, added back).") String name) {
        Membership.replace(lab(), name);
        return ExitCode.OK;
    }

    @Command(name = "force-new-cluster", description = "Make one surviving member a one-member cluster with its data "
            + "(etcd --force-new-cluster), then add the others back one by one, wiped.")
    int forceNewCluster(@Parameters(paramLabel = "NODE", description = "The survivor whose data becomes the "
            + "cluster's.") String name) {
        lab.provider.Recovery.forceNewCluster(lab(), name);
        return ExitCode.OK;
    }
}
