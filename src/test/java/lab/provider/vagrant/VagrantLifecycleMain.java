package lab.provider.vagrant;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/** Drives VagrantCli through a whole lifecycle in a child JVM (which has $LAB_VAGRANT), printing what it saw. */
final class VagrantLifecycleMain {
    private VagrantLifecycleMain() {
    }

    public static void main(String[] args) {
        VagrantCli cli = new VagrantCli(Path.of(args[0]));
        System.out.println("version: " + cli.version());
        System.out.println("before: " + states(cli));
        cli.up(List.of("core-01", "core-02", "core-03"), false, System.out::println);
        System.out.println("after up: " + states(cli));
        System.out.println("ssh-config: " + cli.sshConfig(List.of("core-01", "core-02", "core-03")).keySet());
        System.out.println("host key: " + cli.ssh("core-02", "cat /etc/ssh/ssh_host_ed25519_key.pub").trim());
        cli.haltForce("core-02");
        System.out.println("after halt: " + states(cli));
        cli.reload("core-02");
        cli.provision("core-03");
        cli.destroy();
        System.out.println("after destroy: " + states(cli));
    }

    static String states(VagrantCli cli) {
        return cli.status().values().stream().map(m -> m.name() + "=" + m.state()).collect(Collectors.joining(" "));
    }
}
