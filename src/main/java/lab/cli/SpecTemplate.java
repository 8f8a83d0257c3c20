package lab.cli;

import lab.spec.Bootstrap;
import lab.spec.EtcdSettings;
import lab.spec.Profile;
import lab.spec.ProviderKind;

/** The commented lab.yaml that {@code lab init} writes: every setting shown with its default and why. */
final class SpecTemplate {
    private SpecTemplate() {
    }

    static String render(String name, ProviderKind provider, Profile profile, Bootstrap bootstrap, int members,
                         int proxies, int workers) {
        EtcdSettings e = EtcdSettings.defaults();
        StringBuilder b = new StringBuilder();
        b.append("# lab.yaml: one lab, described. Flags given to lab commands override what is written here.\n");
        b.append("# Format: README.md, \"The spec\". Check with `lab validate`, render VM files with `lab render`.\n");
        line(b, "name: " + name, null);
        line(b, "provider: " + provider.id(), "local (etcd on loopback), netns (namespaces + sshd; root), vagrant");
        line(b, "profile: " + profile.id(), "flatcar (etcd-member.service) or coreos (etcd2 + fleet)");
        line(b, "bootstrap: " + bootstrap.id(), "static (full initial-cluster, no token) or discovery (lab-served)");
        if (provider == ProviderKind.VAGRANT) {
            // VirtualBox 6.1.28+ refuses host-only networks outside 192.168.56.0/21 unless /etc/vbox/networks.conf
            // lists them: a Vagrant lab starts inside, numbered as coreos-vagrant numbers its VMs
            line(b, "subnet: 192.168.56.0/24", "VirtualBox's own host-only range; nodes get .101, .102, ...");
        } else {
            line(b, "subnet: 172.17.8.0/24", "nodes get .101, .102, ... in order, as in coreos-vagrant");
        }
        line(b, "nodes: " + members, "etcd members core-01, core-02, ...; odd counts tolerate most failures");
        if (proxies + workers > 0) {
            line(b, "groups:", null);
            if (proxies > 0) {
                line(b, "  - role: proxy", "stateless: an etcd proxy/gateway toward the members");
                line(b, "    count: " + proxies, null);
            }
            if (workers > 0) {
                line(b, "  - role: worker", "no etcd; fleet runs units here");
                line(b, "    count: " + workers, null);
                line(b, "    metadata: role=worker", "fleet metadata: key=value,key=value");
            }
        }
        line(b, "vm:", "used by the vagrant provider only");
        line(b, "  memory: 1024", "MiB per node");
        line(b, "  cpus: 1", null);
        line(b, "etcd:", null);
        line(b, "  heartbeat-interval: " + e.heartbeatMs(), "ms");
        line(b, "  election-timeout: " + e.electionMs(), "ms; at least 5 x heartbeat");
        line(b, "  snapshot-count: " + e.snapshotCount(), null);
        line(b, "  pre-vote: " + e.preVote(), "a member back from isolation does not depose the leader");
        line(b, "  enable-v2: " + e.enableV2(), null);
        line(b, "update:", null);
        line(b, "  reboot-strategy: off", "nodes never reboot on their own during a lab");
        line(b, "firewall:", null);
        line(b, "  enabled: false", "true: iptables allows ssh, ICMP, etcd from the subnet");
        return b.toString();
    }

    private static void line(StringBuilder b, String text, String comment) {
        b.append(text);
        if (comment != null) {
            b.append(" ".repeat(Math.max(1, 28 - text.length()))).append("# ").append(comment);
        }
        b.append('\n');
    }
}
