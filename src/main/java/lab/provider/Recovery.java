package lab.provider;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import lab.etcd.Auth;
import lab.etcd.EtcdHttp;
import lab.etcd.Tls;
import lab.spec.BadInputException;
import lab.spec.EnvironmentException;
import lab.spec.EtcdSettings;
import lab.spec.Role;
import lab.etcd.MemberStatus;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * Disaster recovery and space maintenance, as an operator does them with etcdctl (etcd v3.4's "Disaster recovery"
 * and "Maintenance" guides): snapshots saved from a member and restored into every member's data directory, a
 * survivor made a one-member cluster with {@code --force-new-cluster} and the others added back one by one, and the
 * way out of the NOSPACE alarm (compact, defragment, disarm).
 *
 * <p>A restore makes each member's data directory on this machine ({@code etcdctl snapshot restore}); the node's
 * backend puts it in place: moved on local and netns nodes, copied into the VM over SSH on Vagrant. Force-new-cluster
 * starts the survivor with ETCD_FORCE_NEW_CLUSTER (a drop-in on a VM, removed at its next start).
 */
public final class Recovery {
    private static final Duration CALL = Duration.ofSeconds(10);

    private Recovery() {
    }

    /** What {@code etcdctl snapshot status} says of a snapshot file. */
    public record SnapshotInfo(long hash, long revision, long totalKeys, long totalSize) {
    }

    /**
     * Saves a snapshot of {@code from}'s backend (null: the leader's) to {@code file}, written beside it first and
     * moved in place once etcdctl verified it, so a failed save leaves no half file.
     */
    public static SnapshotInfo save(Lab lab, String from, Path file) {
        // the leader by lab status's own rule (says it leads, and a majority of the answering members name it)
        NodeState n = from != null ? lab.node(from) : StatusProbe.probe(lab, Duration.ofMillis(500)).leader()
                .map(lab::node).orElseThrow(() -> new EnvironmentException(
                "no member of lab \"" + lab.state().name() + "\" names a leader: give --from NODE to save a "
                + "snapshot from one member"));
        if (n.role() != Role.MEMBER) {
            throw new BadInputException(n.name() + " is not an etcd member: it keeps no data to snapshot");
        }
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            ProcessResult r = etcdctl(lab, "--endpoints=" + n.clientUrl(), "--command-timeout=60s", "snapshot",
                    "save", part.toString());
            if (r.getExitValue() != 0) {
                throw new EnvironmentException("snapshot from " + n.name() + " failed: " + last(r.outputUTF8()));
            }
            SnapshotInfo info = status(part);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            lab.log().accept(String.format("snapshot of %s saved to %s: revision %d, %d keys, %d bytes", n.name(),
                    file, info.revision(), info.totalKeys(), info.totalSize()));
            return info;
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + file + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // nothing was made there
            }
        }
    }

    /** Reads a snapshot file's hash, revision and size; a file that is not one is bad input (exit 2). */
    public static SnapshotInfo status(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file + ": no such snapshot file");
        }
        ProcessResult r = etcdctl(null, "snapshot", "status", file.toString(), "-w", "json");
        if (r.getExitValue() != 0) {
            throw new BadInputException(file + ": not an etcd snapshot (etcdctl snapshot status: "
                    + last(r.outputUTF8()) + ")");
        }
        try {
            JsonNode j = LabDir.json().readTree(r.outputUTF8().lines().filter(l -> l.startsWith("{")).findFirst()
                    .orElse("{}"));
            return new SnapshotInfo(j.path("hash").asLong(), j.path("revision").asLong(), j.path("totalKey").asLong(),
                    j.path("totalSize").asLong());
        } catch (IOException e) {
            throw new BadInputException(file + ": etcdctl snapshot status gave no JSON: " + e.getMessage());
        }
    }

    /**
     * A new cluster from a snapshot: every voting member stopped, its data directory replaced by
     * {@code etcdctl snapshot restore} with the lab's names, peer URLs and cluster token, then started; returns once
     * the cluster is healthy. A lab with a member running needs {@code force}.
     */
    public static SnapshotInfo restore(Lab lab, Path file, boolean force) {
        List<NodeState> members = lab.state().members().stream().filter(n -> !n.learner())
                .filter(n -> n.process() != NodeState.Process.REMOVED).toList();
        SnapshotInfo info = status(file);
        List<String> running = members.stream().filter(lab::alive).map(NodeState::name).toList();
        if (!running.isEmpty() && !force) {
            throw new BadInputException("lab \"" + lab.state().name() + "\" is up (" + String.join(", ", running)
                    + " running): a restore replaces every member's data with the snapshot's; add --force");
        }
        String token = token(lab, members.get(0));
        String initial = String.join(",", members.stream().map(n -> n.name() + "=" + peerUrl(n)).toList());
        for (NodeState n : members) {
            if (lab.alive(n)) {
                lab.stop(n.name());
            }
        }
        // each member's data made here, beside the lab's own (the same file system as a local or netns node's);
        // the backend puts it in place: moved on this machine, copied into a VM
        Path staging = lab.dir().root().resolve("restore").toAbsolutePath();
        LabDir.deleteTree(staging);
        try {
            for (NodeState n : members) {
                Path tmp = staging.resolve(n.name());
                ProcessResult r = etcdctl(null, "snapshot", "restore", file.toString(), "--name", n.name(),
                        "--initial-cluster", initial, "--initial-cluster-token", token,
                        "--initial-advertise-peer-urls", peerUrl(n), "--data-dir", tmp.toString());
                if (r.getExitValue() != 0) {
                    throw new EnvironmentException("restoring " + n.name() + " from " + file + " failed: "
                            + last(r.outputUTF8()));
                }
                lab.backend().replaceData(lab, n, tmp);
                lab.update(lab.node(n.name()).withProcess(0, 0, NodeState.Process.STOPPED));
            }
        } finally {
            LabDir.deleteTree(staging);
        }
        for (NodeState n : members) {
            lab.start(n.name());
        }
        Optional<Auth.Secrets> auth = lab.auth().filter(Auth.Secrets::enabled);
        if (auth.isPresent()) {
            restoreAuth(lab, members.get(0).clientUrl(), auth.get(), file);
        }
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        lab.log().accept(String.format("restored %d member(s) from %s (revision %d, %d keys)", members.size(), file,
                info.revision(), info.totalKeys()));
        return info;
    }

    /**
     * A lab with auth restored: etcd's users, roles and its auth switch are data, and came back as the snapshot had
     * them. Without auth (a snapshot of a lab without it, or of this one before its auth was on) the lab makes its
     * users and roles again and enables auth, so the lab is as its spec says; with users whose passwords are not
     * this lab's (another lab's snapshot) every call of lab's would be refused, which is said at once rather than
     * after readiness gave up.
     */
    private static void restoreAuth(Lab lab, String url, Auth.Secrets secrets, Path file) {
        EtcdHttp.Login login;
        try {
            login = org.awaitility.Awaitility.await("the restored cluster to elect a leader")
                    .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> EtcdHttp.status(url, Duration.ofMillis(500)).leaderId() != 0
                            ? EtcdHttp.login(url, secrets.root(), Duration.ofSeconds(5)) : null, x -> x != null);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            return; // readiness, next, says what is wrong with the cluster
        }
        switch (login) {
            case ACCEPTED -> { }
            case AUTH_OFF -> {
                EtcdHttp.enableAuth(url, secrets, Duration.ofSeconds(10));
                lab.log().accept("the snapshot has etcd's auth off: users root and lab and their roles made again, "
                        + "auth enabled (passwords in " + lab.authFile() + ")");
            }
            case REFUSED -> throw new BadInputException(file + " holds etcd users whose passwords are not this "
                    + "lab's (a snapshot of another lab with auth): the restored cluster refuses lab's root user, so "
                    + "every command of lab's would fail. The lab now holds the snapshot's data; restore a snapshot "
                    + "of this lab or of a lab without auth, or `lab down` and `lab up` again");
        }
    }

    /**
     * The survivor becomes a one-member cluster with its data ({@code --force-new-cluster}, then started again
     * without it, as etcd's guide says: the flag rewrites the membership at every start); every other member is
     * stopped, wiped and added back one by one with initial-cluster-state existing. Returns once healthy.
     */
    public static void forceNewCluster(Lab lab, String survivor) {
        NodeState s = lab.node(survivor);
        if (s.role() != Role.MEMBER || s.process() == NodeState.Process.REMOVED || s.learner()) {
            throw new BadInputException(survivor + " is not a voting member of the cluster");
        }
        if (s.process() == NodeState.Process.WIPED) {
            throw new BadInputException(survivor + " was wiped: it has no data to make a cluster of");
        }
        List<NodeState> others = lab.state().members().stream().filter(n -> !n.name().equals(survivor))
                .filter(n -> n.process() != NodeState.Process.REMOVED).toList();
        List<NodeState> all = new ArrayList<>(others);
        all.add(s);
        for (NodeState n : all) {
            if (lab.alive(n)) {
                lab.stop(n.name());
            }
        }
        lab.start(survivor, Map.of("ETCD_FORCE_NEW_CLUSTER", "true"));
        // the flag appends the removal of every other member to the log; they take effect once this member,
        // alone now, elected itself and applied them: stopping it earlier leaves members it must wait for
        String url = lab.node(survivor).clientUrl();
        try {
            org.awaitility.Awaitility.await(survivor + " to lead a one-member cluster").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                        MemberStatus st = EtcdHttp.status(url, Duration.ofMillis(500));
                        return st.isLeader() && EtcdHttp.members(url, false, Duration.ofMillis(500)).size() == 1;
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new EnvironmentException(survivor + " did not become a one-member cluster within 30 s after "
                    + "--force-new-cluster; the end of its log:\n" + lab.backend().logTail(lab, lab.node(survivor),
                    15));
        }
        lab.stop(survivor);
        lab.start(survivor);
        for (NodeState n : others) {
            lab.deleteData(n.name());
            lab.update(lab.node(n.name()).withProcess(0, 0, NodeState.Process.REMOVED));
        }
        Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        lab.log().accept(survivor + " is a one-member cluster (force-new-cluster); adding the others back");
        for (NodeState n : others) {
            Membership.add(lab, n.name(), false);
            Readiness.awaitCluster(lab, Duration.ofSeconds(30));
        }
    }

    /** Compacts the history up to the current revision (physically); returns that revision. */
    public static long compact(Lab lab) {
        long[] rev = {0};
        Membership.call(lab, ep -> {
            rev[0] = EtcdHttp.status(ep, CALL).revision();
            EtcdHttp.compact(ep, rev[0], CALL);
            return null;
        });
        lab.log().accept("compacted the history up to revision " + rev[0]);
        return rev[0];
    }

    /** Defragments every running member, one at a time (a member blocks while it defragments); each one's sizes. */
    public static List<String> defrag(Lab lab) {
        List<String> out = new ArrayList<>();
        for (NodeState n : lab.state().members()) {
            if (lab.alive(n) && n.process() == NodeState.Process.RUNNING) {
                long before = EtcdHttp.status(n.clientUrl(), CALL).dbSize();
                EtcdHttp.defragment(n.clientUrl(), Duration.ofSeconds(60));
                long after = EtcdHttp.status(n.clientUrl(), CALL).dbSize();
                out.add(n.name() + " " + size(before) + " -> " + size(after));
            }
        }
        lab.log().accept("defragmented " + String.join(", ", out));
        return out;
    }

    /** The cluster's alarms, from the first member that answers. */
    public static List<EtcdHttp.Alarm> alarms(Lab lab) {
        return Membership.call(lab, ep -> EtcdHttp.alarms(ep, CALL));
    }

    /**
     * The cluster's alarms named by member ("NOSPACE on core-01"), for `lab status` and the page. etcd answers an
     * alarm list through raft, so it is asked only with a quorum, of the leader, within {@code timeout}; empty
     * otherwise, or when the leader does not answer in time.
     */
    public static List<String> alarmsByMember(Lab lab, ClusterStatus s, Duration timeout) {
        if (!s.quorum() || s.leader().isEmpty()) {
            return List.of();
        }
        try {
            String url = lab.node(s.leader().get()).clientUrl();
            List<String> out = new ArrayList<>();
            for (EtcdHttp.Alarm a : EtcdHttp.alarms(url, timeout)) {
                String id = Long.toHexString(a.memberId());
                out.add(a.alarm() + " on " + s.nodes().stream().filter(n -> n.memberId().equals(id))
                        .map(NodeStatus::name).findFirst().orElse(id));
            }
            return out;
        } catch (RuntimeException e) {
            return List.of(); // the quorum line already says what answered
        }
    }

    /** Disarms every alarm; returns how many there were. */
    public static int disarm(Lab lab) {
        List<EtcdHttp.Alarm> alarms = alarms(lab);
        for (EtcdHttp.Alarm a : alarms) {
            Membership.call(lab, ep -> {
                EtcdHttp.disarm(ep, a, CALL);
                return null;
            });
        }
        lab.log().accept(alarms.isEmpty() ? "no alarm to disarm" : "disarmed " + String.join(", ", alarms.stream()
                .map(a -> a.alarm() + " of " + Long.toHexString(a.memberId())).toList()));
        return alarms.size();
    }

    public static String size(long bytes) {
        return bytes >= 1 << 20 ? String.format("%.1f MiB", bytes / 1048576.0) : (bytes >> 10) + " kB";
    }

    private static String peerUrl(NodeState n) {
        return Tls.scheme(n.address()) + "://" + n.address() + ":" + EtcdSettings.PEER_PORT;
    }

    private static String token(Lab lab, NodeState n) {
        return lab.etcdOf(n).env().getOrDefault("ETCD_INITIAL_CLUSTER_TOKEN", "lab-" + lab.state().name());
    }

    /**
     * etcdctl's environment for the lab: ETCDCTL_API=3; for a TLS lab its CA and lab's client certificate
     * (ETCDCTL_CACERT, _CERT, _KEY); for a lab with auth, root (ETCDCTL_USER, kept out of etcdctl's arguments, which
     * {@code ps} shows).
     */
    public static Map<String, String> etcdctlEnv(Lab lab) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("ETCDCTL_API", "3"));
        lab.state().members().stream().findFirst().map(NodeState::clientUrl).ifPresent(endpoint -> {
            env.putAll(Tls.etcdctlEnv(endpoint));
            env.putAll(Auth.etcdctlEnv(endpoint, true));
        });
        return env;
    }

    /**
     * Whether the running members hold the same data: each has applied revision R, the highest any of them reports,
     * and their key spaces hash alike up to R. Under a workload the members' revisions rarely agree at one instant
     * (at 100 writes/s they move every 10 ms); comparing at one revision every member has reached does not depend on
     * that. Empty when they agree; otherwise what each member showed.
     */
    public static Optional<String> divergence(Lab lab, Duration timeout) {
        List<NodeState> running = lab.state().members().stream().filter(n -> n.process() == NodeState.Process.RUNNING)
                .toList();
        Map<String, Long> revisions = new java.util.concurrent.ConcurrentHashMap<>();
        running.parallelStream().forEach(n -> {
            try {
                revisions.put(n.name(), EtcdHttp.status(n.clientUrl(), timeout).revision());
            } catch (RuntimeException unreachable) {
                // named below
            }
        });
        long r = revisions.values().stream().mapToLong(Long::longValue).max().orElse(0);
        // the members furthest ahead first: the others get the most time to apply revision r
        List<NodeState> asked = running.stream().filter(n -> revisions.containsKey(n.name()))
                .sorted(java.util.Comparator.comparing((NodeState n) -> revisions.get(n.name())).reversed()).toList();
        Map<String, Long> hashes = hashKv(lab, asked, r, timeout);
        List<String> each = new ArrayList<>();
        for (NodeState n : running) {
            Long h = hashes.get(n.name());
            each.add(!revisions.containsKey(n.name()) ? n.name() + " unreachable" : h == null ? n.name() + " at rev "
                    + revisions.get(n.name()) + ", not at " + r : n.name() + " hash " + Long.toHexString(h));
        }
        boolean agree = !running.isEmpty() && hashes.size() == running.size()
                && hashes.values().stream().distinct().count() == 1;
        return agree ? Optional.empty() : Optional.of("at revision " + r + ": " + String.join("; ", each));
    }

    /**
     * Each member's HashKV at {@code revision} (etcdctl endpoint hashkv --rev: the hash of its key space up to that
     * revision), by node name; a member that did not answer within {@code timeout}, or has not applied that
     * revision yet, is missing. What etcd's own corruption check compares. Not the whole backend's Hash, which
     * differs between healthy members of a cluster with auth: etcd 3.4 bcrypts a new user's password on each member
     * as it applies it, each with its own salt (auth/store.go UserAdd, v3.4.23; 3.5 hashes once on the leader). And
     * not through the JSON gateway, where 3.4 maps Hash and HashKV to one path, /v3/maintenance/hash, and serves
     * Hash (rpc.proto, gw/rpc.pb.gw.go).
     */
    private static Map<String, Long> hashKv(Lab lab, List<NodeState> members, long revision, Duration timeout) {
        Map<String, Long> out = new java.util.HashMap<>();
        if (members.isEmpty()) {
            return out;
        }
        // etcdctl exits 1 when any member did not answer, after printing the others' hashes on one line of JSON
        ProcessResult r = etcdctl(lab, "--endpoints=" + String.join(",", members.stream().map(NodeState::clientUrl)
                .toList()), "--command-timeout=" + timeout.toMillis() + "ms", "endpoint", "hashkv", "--rev=" + revision,
                "-w", "json");
        Optional<String> json = r.outputUTF8().lines().filter(l -> l.startsWith("[")).findFirst();
        if (json.isEmpty()) {
            return out;
        }
        try {
            for (JsonNode e : LabDir.json().readTree(json.get())) {
                String endpoint = e.path("Endpoint").asText();
                members.stream().filter(n -> n.clientUrl().equals(endpoint)).findFirst().ifPresent(n -> out.put(
                        n.name(), e.path("HashKV").path("hash").asLong()));
            }
        } catch (IOException e) {
            throw new EnvironmentException("etcdctl endpoint hashkv gave no JSON: " + json.get(), e);
        }
        return out;
    }

    private static ProcessResult etcdctl(Lab lab, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add("etcdctl");
        cmd.addAll(List.of(args));
        try {
            return new ProcessExecutor().command(cmd).environment(lab == null ? Map.of("ETCDCTL_API", "3")
                    : etcdctlEnv(lab)).readOutput(true)
                    .redirectErrorStream(true).timeout(120, TimeUnit.SECONDS).execute();
        } catch (IOException e) {
            throw new EnvironmentException("etcdctl is not installed: install Debian's etcd-client (sudo apt-get "
                    + "install -y --no-install-recommends etcd-client)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted while etcdctl ran", e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new EnvironmentException("etcdctl " + String.join(" ", args) + " did not finish within 120 s", e);
        }
    }

    private static String last(String output) {
        List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
        return lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1).replaceFirst("^Error: ", "");
    }
}
