package lab.provider.vagrant;

import lab.transport.Shell;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lab.machine.Machine;
import lab.machine.SystemdProfile;
import lab.provider.Lab;
import lab.provider.LabDir;
import lab.provider.LabState;
import lab.provider.SshNodeBackend;
import lab.provider.NodeState;
import lab.provider.Processes;
import lab.render.EtcdEnvReader;
import lab.render.LabRenderer;
import lab.render.NodeEtcd;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.LabSpec;
import lab.spec.NodeSpec;
import lab.spec.Profile;
import lab.spec.Role;
import lab.transport.SshKeys;
import lab.transport.SshTransport;

/**
 * The Vagrant provider: the lab's rendered Vagrantfile and user-data under {@code .lab/<name>/}, VMs through the
 * `vagrant` CLI, and everything on the VMs over SSH (the host, port, user and key `vagrant ssh-config` gives, host
 * keys learnt once through `vagrant ssh` and then checked strictly), through the Flatcar or CoreOS machine profile.
 * etcd starts at boot from the user-data; the lab only stops and starts it for faults.
 */
public final class VagrantBackend extends SshNodeBackend {
    /** How long a VM's sshd may take to answer (a booting VM); LAB_SSH_CONNECT=SECONDS changes it. */
    private static final Duration CONNECT = Duration.ofSeconds(Long.parseLong(System.getenv()
            .getOrDefault("LAB_SSH_CONNECT", "60")));
    private final Map<String, Machine> machines = new ConcurrentHashMap<>();

    /** What the lab learnt about its VMs, in {@code .lab/<name>/vagrant.tsv}. */
    public record Vms(Profile profile, Map<String, SshConfig.Host> hosts) {
        static Path file(LabDir dir) {
            return dir.root().resolve("vagrant.tsv");
        }

        public void write(LabDir dir) {
            StringBuilder b = new StringBuilder("profile\t" + profile.id() + "\n");
            hosts.values().forEach(h -> b.append("host\t").append(h.name()).append('\t').append(h.hostName())
                    .append('\t').append(h.port()).append('\t').append(h.user()).append('\t').append(h.identityFile())
                    .append('\n'));
            try {
                Files.writeString(file(dir), b);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file(dir), e);
            }
        }

        static Vms read(LabDir dir) {
            try {
                Profile profile = Profile.FLATCAR;
                Map<String, SshConfig.Host> hosts = new LinkedHashMap<>();
                for (String line : Files.readAllLines(file(dir))) {
                    String[] f = line.split("\t", -1);
                    if (f[0].equals("profile")) {
                        profile = Profile.parse(f[1]).orElse(Profile.FLATCAR);
                    } else if (f[0].equals("host") && f.length == 6) {
                        hosts.put(f[1], new SshConfig.Host(f[1], f[2], Integer.parseInt(f[3]), f[4], f[5]));
                    }
                }
                return new Vms(profile, hosts);
            } catch (IOException e) {
                throw new EnvironmentException("lab \"" + dir.name() + "\" has no readable " + file(dir) + "; was it "
                        + "brought up by the vagrant provider? (" + e.getMessage() + ")", e);
            }
        }
    }

    static Path vagrantDir(LabDir dir) {
        return dir.root().resolve("vagrant");
    }

    static Path knownHosts(LabDir dir) {
        return dir.root().resolve("ssh").resolve("known_hosts");
    }

    @Override
    public int reserve(Path workDir, LabSpec spec, Integer block) {
        VagrantCli.binary();
        // Only where VirtualBox is installed: without it `vagrant up` fails anyway, and says so itself.
        VirtualBoxNetworks.installedVersion().flatMap(v -> VirtualBoxNetworks.refusal(spec.subnet(), v,
                VirtualBoxNetworks.readConf())).ifPresent(why -> {
                    throw new EnvironmentException(why);
                });
        return 0;
    }

    /**
     * The lab's own key, the one every VM of the lab lets in (the Vagrantfile's provisioner installs it with
     * update-ssh-keys) and the one the lab logs in with; Vagrant keeps its insecure key for itself.
     */
    static Path labKey(LabDir dir) {
        return dir.root().resolve("ssh").resolve("id_ed25519");
    }

    @Override
    public void prepare(Lab lab, LabSpec spec) {
        LabDir dir = lab.dir();
        LabRenderer.write(LabRenderer.render(spec, lab.tls() ? lab.pki() : null), dir.root());
        SshKeys.ensure(labKey(dir), "lab-" + spec.name()); // the Vagrantfile would make it too, the same way
        new Vms(spec.profile(), Map.of()).write(dir); // before any VM exists: `lab down` knows to call vagrant
        try {
            Files.deleteIfExists(knownHosts(dir)); // learnt afresh below
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + knownHosts(dir) + ": " + e.getMessage(), e);
        }
        VagrantCli cli = new VagrantCli(vagrantDir(dir));
        List<String> names = lab.state().nodes().stream().map(NodeState::name).toList();
        Map<String, MachineReadable.MachineState> before = cli.status();
        boolean parallel = before.values().stream().noneMatch(m -> m.provider().equals("virtualbox"));
        lab.log().accept("vagrant up " + String.join(" ", names) + (parallel ? " (in parallel)" : " (one by one)"));
        cli.up(names, parallel, lab.log());
        learnHosts(dir, cli, names);
    }

    /**
     * Records how to reach VMs that are up: their SSH details from `vagrant ssh-config` in the lab's VM list, and
     * their host keys in its known_hosts, learnt once through Vagrant's own channel (every later connection is
     * checked against them).
     */
    private static void learnHosts(LabDir dir, VagrantCli cli, List<String> names) {
        Map<String, SshConfig.Host> found = cli.sshConfig(names);
        StringBuilder known = new StringBuilder();
        for (String n : names) {
            SshConfig.Host h = found.get(n);
            if (h == null) {
                throw new EnvironmentException("`vagrant ssh-config` says nothing of " + n + "; is it running? "
                        + "(`vagrant status` in " + vagrantDir(dir) + ")");
            }
            String key = cli.ssh(n, "cat /etc/ssh/ssh_host_ed25519_key.pub").trim();
            known.append(SshKeys.knownHostsLine(h.hostName(), h.port(), key)).append('\n');
        }
        try {
            Files.createDirectories(knownHosts(dir).getParent());
            Files.writeString(knownHosts(dir), known, java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + knownHosts(dir) + ": " + e.getMessage(), e);
        }
        Vms vms = Vms.read(dir);
        Map<String, SshConfig.Host> hosts = new LinkedHashMap<>(vms.hosts());
        // where `vagrant ssh-config` says, as the user it says, but with the lab's key, not Vagrant's
        names.forEach(n -> {
            SshConfig.Host h = found.get(n);
            hosts.put(n, new SshConfig.Host(h.name(), h.hostName(), h.port(), h.user(), labKey(dir).toString()));
        });
        new Vms(vms.profile(), hosts).write(dir);
    }

    /**
     * Re-renders the lab; for every VM whose user-data changed, `vagrant provision` copies the new file and restarts
     * the box's user-cloudinit unit for it, which applies it again (files, units, drop-ins; a running etcd keeps its
     * settings until it restarts). A change of the cluster's shape (nodes added or
     * removed, another initial cluster) cannot be applied to members that already bootstrapped: those nodes are
     * named, with what to do, and nothing is changed on them.
     */
    @Override
    public void reprovision(Lab lab, LabSpec spec) {
        if (spec.security().tls() != lab.tls()) {
            throw new BadInputException("lab \"" + lab.state().name() + "\" runs " + (lab.tls() ? "with" : "without")
                    + " TLS: TLS is not switched on running VMs; `lab down --name " + lab.state().name()
                    + "` and `lab up` to recreate it");
        }
        LabRenderer.Rendered r = LabRenderer.render(spec, lab.tls() ? lab.pki() : null);
        LabState s = lab.state();
        List<String> wanted = spec.nodes().stream().map(NodeSpec::name).toList();
        List<String> have = s.nodes().stream().map(NodeState::name).toList();
        if (!wanted.equals(have)) {
            throw new BadInputException("lab \"" + s.name() + "\" runs " + have + " but the spec now has "
                    + wanted + ": VMs are not added or removed in place. `lab member add`/`remove` changes a running "
                    + "cluster; or `lab down --name " + s.name() + "` and `lab up` to recreate it");
        }
        List<String> changed = new ArrayList<>();
        List<String> recreate = new ArrayList<>();
        for (NodeState n : s.nodes()) {
            String now = r.userData(n.name());
            if (now.equals(s.userData().get(n.name()))) {
                continue;
            }
            NodeEtcd before = lab.etcdOf(n);
            NodeEtcd after = EtcdEnvReader.read(now, n.specAddress(), n.name());
            boolean shape = n.role() == Role.MEMBER && !java.util.Objects.equals(
                    before.env().get("ETCD_INITIAL_CLUSTER"), after.env().get("ETCD_INITIAL_CLUSTER"));
            (shape ? recreate : changed).add(n.name());
        }
        if (!recreate.isEmpty()) {
            throw new BadInputException("the new user-data of " + String.join(", ", recreate) + " changes "
                    + "the initial cluster, which a member that has bootstrapped ignores: recreate the lab (`lab down "
                    + "--name " + s.name() + "`, `lab up`), or replace members one by one (`lab member replace`)");
        }
        LabRenderer.write(r, lab.dir().root());
        VagrantCli cli = new VagrantCli(vagrantDir(lab.dir()));
        for (String n : changed) {
            cli.provision(n);
            lab.log().accept(n + ": user-data changed; provisioned again (the box re-runs cloud-config; a running "
                    + "etcd takes new settings at its next restart: lab node restart " + n + ")");
        }
        if (changed.isEmpty()) {
            lab.log().accept("lab \"" + s.name() + "\" is up and its user-data has not changed");
        }
        Map<String, String> applied = new LinkedHashMap<>();
        s.nodes().forEach(n -> applied.put(n.name(), r.userData(n.name())));
        lab.userDataApplied(applied);
    }

    @Override
    public Processes.Started startEtcd(Lab lab, NodeState n, NodeEtcd etcd, Map<String, String> extraEnv) {
        Vms vms = Vms.read(lab.dir());
        VagrantCli cli = new VagrantCli(vagrantDir(lab.dir()));
        if (!vms.hosts().containsKey(n.name())) {
            if (extraEnv.isEmpty()) {
                throw new EnvironmentException(n.name() + " has no VM in lab \"" + lab.state().name() + "\"");
            }
            addVm(lab, n, extraEnv, cli);
            vms = Vms.read(lab.dir());
        }
        SystemdProfile p = profile(vms);
        MachineReadable.MachineState vm = cli.status().get(n.name());
        if (vm == null || !vm.running()) {
            // powered off (or never made): boot it; etcd then starts from its user-data as on any boot
            cli.up(List.of(n.name()), false, lab.log());
            drop(n.name());
        }
        poweredOn(lab.dir(), n.name());
        StringBuilder prelude = new StringBuilder();
        String dir = "/etc/systemd/system/" + p.unit() + ".d";
        if (extraEnv.containsKey("ETCD_FORCE_NEW_CLUSTER")) {
            // lab member force-new-cluster: for this start only (the flag rewrites the membership at every start)
            prelude.append("mkdir -p ").append(dir).append(" && ").append(Shell.heredoc("cat > " + dir + "/"
                    + FORCE_DROP_IN, dropIn(extraEnv))).append("\nsystemctl daemon-reload");
        } else {
            prelude.append("if [ -e ").append(dir).append('/').append(FORCE_DROP_IN).append(" ]; then rm -f ")
                    .append(dir).append('/').append(FORCE_DROP_IN).append(" && systemctl daemon-reload; fi");
            if (!extraEnv.isEmpty()) {
                // a member added at run time joins with initial-cluster-state existing: a drop-in of the lab's own
                prelude.append("\nmkdir -p ").append(dir).append(" && ").append(Shell.heredoc("cat > " + dir
                        + "/30-lab-join.conf", dropIn(extraEnv))).append("\nsystemctl daemon-reload");
            }
        }
        long pid = machine(lab, n.name()).start(prelude.toString()).orElseThrow(() -> new EnvironmentException(
                n.name() + ": " + p.unit() + " did not start; `lab ssh " + n.name() + " -- journalctl -u " + p.unit()
                        + "` says why"));
        return new Processes.Started(pid, 0);
    }

    /**
     * A member added at run time gets a VM of its own: a Vagrantfile entry like the first member's (its address, its
     * own user-data file) and user-data that joins the running cluster, ETCD_INITIAL_CLUSTER as the cluster listed
     * it and initial-cluster-state existing, as an operator grows a cluster one member at a time. Then `vagrant up`
     * for that VM alone, and its SSH details and host key as at `lab up`.
     */
    private void addVm(Lab lab, NodeState n, Map<String, String> join, VagrantCli cli) {
        LabDir dir = lab.dir();
        Path vagrantfile = vagrantDir(dir).resolve("Vagrantfile");
        String first = lab.state().members().get(0).name();
        String userDataFile = n.name() + ".yaml";
        try {
            String text = Files.readString(vagrantfile);
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^(\\s*)\\{ name: \"" + java.util.regex.Pattern
                    .quote(first) + "\".*$").matcher(text);
            if (!m.find()) {
                throw new EnvironmentException(vagrantfile + " has no entry for " + first + " to model " + n.name()
                        + "'s VM on");
            }
            String entry = m.group().replace("\"" + first + "\"", "\"" + n.name() + "\"")
                    .replaceFirst("ip: \"[0-9.]+\"", "ip: \"" + n.specAddress() + "\"")
                    .replaceFirst("user_data: \"[^\"]+\"", "user_data: \"" + userDataFile + "\"");
            int end = text.indexOf('\n', text.lastIndexOf("{ name: \"")) + 1;
            Files.writeString(vagrantfile, text.substring(0, end) + entry + "\n" + text.substring(end));
            LabRenderer.writeUserData(dir.root().resolve("user-data").resolve(userDataFile), joining(
                    lab.state().userData().get(n.name()), join));
        } catch (IOException e) {
            throw new EnvironmentException("cannot add " + n.name() + "'s VM to " + vagrantfile + ": " + e.getMessage(),
                    e);
        }
        lab.log().accept(n.name() + ": a new VM, joining with initial-cluster-state existing");
        cli.up(List.of(n.name()), false, lab.log());
        learnHosts(dir, cli, List.of(n.name()));
    }

    /** The drop-in of a start with ETCD_FORCE_NEW_CLUSTER; the next start removes it. */
    private static final String FORCE_DROP_IN = "40-lab-force-new-cluster.conf";

    private static String dropIn(Map<String, String> env) {
        StringBuilder b = new StringBuilder("[Service]\n");
        env.forEach((k, v) -> b.append("Environment=\"").append(k).append('=').append(v).append("\"\n"));
        return b.toString();
    }

    /**
     * A data directory restored on this machine, copied into the VM: packed with tar, uploaded over SFTP to /tmp,
     * unpacked as root into etcd's data directory (emptied first) and given that directory's owner (etcd, the user
     * Flatcar's etcd-member runs etcd as). etcd must not run.
     */
    @Override
    public void replaceData(Lab lab, NodeState n, Path restored) {
        Path archive = restored.resolveSibling(n.name() + ".tar.gz");
        String remote = "/tmp/lab-restore-" + n.name() + ".tar.gz";
        String dataDir = profile(Vms.read(lab.dir())).dataDir();
        try {
            int rc = new org.zeroturnaround.exec.ProcessExecutor().command("tar", "-C", restored.toString(), "-czf",
                    archive.toString(), ".").redirectErrorStream(true).readOutput(true).execute().getExitValue();
            if (rc != 0) {
                throw new EnvironmentException("cannot pack " + restored + " for " + n.name() + " (tar exited " + rc
                        + ")");
            }
            Machine m = machine(lab, n.name());
            m.transport().upload(archive, remote, 0600);
            var r = m.exec("set -e; owner=$(stat -c %u:%g " + dataDir + "); rm -rf " + dataDir + "/*; tar -xzf "
                    + remote + " -C " + dataDir + "; chown -R \"$owner\" " + dataDir + "; rm -f " + remote,
                    Duration.ofSeconds(60));
            if (!r.ok()) {
                throw new EnvironmentException(n.name() + ": could not put the restored data in " + dataDir + " (exit "
                        + r.exitCode() + "): " + (r.stderr() + r.stdout()).trim());
            }
        } catch (IOException e) {
            throw new EnvironmentException("cannot pack " + restored + " for " + n.name() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while packing " + n.name() + "'s restored data", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new EnvironmentException("tar did not finish packing " + restored, e);
        } finally {
            LabDir.deleteTree(restored);
            try {
                Files.deleteIfExists(archive);
            } catch (IOException ignored) {
                // the staging folder goes with the restore
            }
        }
    }

    /** The members' user-data with the joining member's initial cluster and state (Flatcar drop-in or coreos.etcd2). */
    static String joining(String userData, Map<String, String> join) {
        String out = userData;
        for (var e : join.entrySet()) {
            String env = e.getKey();
            String etcd2 = lab.render.UserDataRenderer.etcd2Key(env);
            out = out.replaceAll("(Environment=\"" + env + "=)[^\"]*\"", "$1" + java.util.regex.Matcher
                    .quoteReplacement(e.getValue()) + "\"")
                    .replaceAll("(?m)^(\\s*" + etcd2 + ": ).*$", "$1" + java.util.regex.Matcher.quoteReplacement(
                            "\"" + e.getValue() + "\""));
        }
        return out;
    }

    private static SystemdProfile profile(Vms vms) {
        return vms.profile() == Profile.COREOS ? SystemdProfile.COREOS : SystemdProfile.FLATCAR;
    }

    /** Asked over SSH: the VM's etcd unit has a main process. A VM that does not answer runs no etcd we can use. */
    @Override
    public boolean alive(Lab lab, NodeState n) {
        if (!n.hasEtcd() || Files.exists(poweredOff(lab.dir(), n.name()))) {
            return false; // no SSH to a VM the lab powered off: connecting would wait for the full timeout
        }
        try {
            return machine(lab, n.name()).pid().isPresent();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** etcd logs to the journal on a VM: the unit's last lines, read with sudo. */
    @Override
    public String logTail(Lab lab, NodeState n, int lines) {
        try {
            Vms vms = Vms.read(lab.dir());
            return machine(lab, n.name()).exec("journalctl --no-pager -o cat -n " + lines + " -u "
                    + profile(vms).unit(), java.time.Duration.ofSeconds(10)).stdout().strip();
        } catch (RuntimeException e) {
            return "(its journal could not be read: " + e.getMessage() + ")";
        }
    }

    @Override
    public void powerOff(Lab lab, NodeState n) {
        new VagrantCli(vagrantDir(lab.dir())).haltForce(n.name());
        drop(n.name());
        try {
            Files.createDirectories(lab.dir().nodeDir(n.name()));
            Files.writeString(poweredOff(lab.dir(), n.name()), "halted by `lab node poweroff`\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Marks a VM the lab powered off; the next start boots it (vagrant up) and removes the mark. */
    static Path poweredOff(LabDir dir, String node) {
        return dir.nodeDir(node).resolve("powered-off");
    }

    private static void poweredOn(LabDir dir, String node) {
        try {
            Files.deleteIfExists(poweredOff(dir, node));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void reboot(Lab lab, NodeState n) {
        new VagrantCli(vagrantDir(lab.dir())).reload(n.name());
        drop(n.name());
        poweredOn(lab.dir(), n.name());
    }

    @Override
    public void destroy(LabDir dir, LabState s) {
        machines.values().forEach(Machine::close);
        machines.clear();
        if (Files.exists(Vms.file(dir)) && Files.exists(vagrantDir(dir).resolve("Vagrantfile"))) {
            new VagrantCli(vagrantDir(dir)).destroy();
        }
    }

    private void drop(String node) {
        Machine m = machines.remove(node);
        if (m != null) {
            m.close();
        }
    }

    /** The VM over SSH, as `vagrant ssh-config` described it, with sudo for the box's login user. */
    @Override
    public Machine machine(Lab lab, String node) {
        return machines.computeIfAbsent(node, name -> connect(lab.dir(), name));
    }

    /** A new connection to a VM of the lab (one per caller: the daemon's fleet agents keep their own). */
    public static Machine connect(LabDir dir, String name) {
        Vms vms = Vms.read(dir);
        SshConfig.Host h = vms.hosts().get(name);
        if (h == null) {
            throw new EnvironmentException(name + " has no VM in lab \"" + dir.name() + "\"");
        }
        if (!Files.isReadable(Path.of(h.identityFile()))) {
            throw new EnvironmentException(name + ": `vagrant ssh-config` names the key " + h.identityFile()
                    + ", which cannot be read");
        }
        return new Machine(name, profile(vms), new SshTransport(h.hostName(), h.port(), h.user(),
                Path.of(h.identityFile()), knownHosts(dir), CONNECT), !h.user().equals("root"));
    }

    /** The profile of a lab brought up by this provider; empty for labs of other providers. */
    public static java.util.Optional<Profile> profileOf(LabDir dir) {
        return Files.exists(Vms.file(dir)) ? java.util.Optional.of(Vms.read(dir).profile()) : java.util.Optional.empty();
    }

    /** What `lab ssh` needs for a VM. */
    public static List<String> sshArguments(LabDir dir, String node) {
        SshConfig.Host h = Vms.read(dir).hosts().get(node);
        if (h == null) {
            throw new EnvironmentException(node + " has no VM");
        }
        return new ArrayList<>(List.of("-i", h.identityFile(), "-p", Integer.toString(h.port()), "-o",
                "IdentitiesOnly=yes", "-o", "UserKnownHostsFile=" + knownHosts(dir).toAbsolutePath(), "-o",
                "StrictHostKeyChecking=yes", h.user() + "@" + h.hostName()));
    }
}
