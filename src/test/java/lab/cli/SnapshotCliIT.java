package lab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import lab.etcd.Auth;
import lab.provider.LabDir;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeroturnaround.exec.ProcessExecutor;
import org.zeroturnaround.exec.ProcessResult;

/**
 * {@code lab snapshot save/restore} through the launcher on a real local lab: a restore brings back what the
 * snapshot had and nothing after it; a restore onto a running lab without --force, or of a file that is not a
 * snapshot, is one line, exit 2, and changes nothing.
 */
class SnapshotCliIT {
    @TempDir
    Path dir;

    ProcessResult lab(String... args) throws Exception {
        return Launcher.run(dir, java.time.Duration.ofMinutes(2), java.util.Map.of(), args);
    }

    String get(String key) throws Exception {
        return lab("etcdctl", "--name", "snap", "--", "get", key, "--print-value-only").outputUTF8().trim();
    }

    @AfterEach
    void down() throws Exception {
        Launcher.downAll(dir);
    }

    @Test
    void aRestoreBringsBackTheSnapshotAndBadRestoresChangeNothing() throws Exception {
        assertEquals(0, lab("up", "--name", "snap").getExitValue());
        assertEquals(0, lab("etcdctl", "--name", "snap", "--", "put", "/k", "before").getExitValue());
        ProcessResult save = lab("snapshot", "save", "s.db", "--name", "snap");
        assertEquals(0, save.getExitValue(), save.outputUTF8());
        assertTrue(save.outputUTF8().matches("(?s).*saved s\\.db: revision \\d+, \\d+ keys, \\d+ bytes.*"),
                save.outputUTF8());
        assertFalse(Files.exists(dir.resolve("s.db.part")), "no half file beside it");
        // from a member named, not the leader; an unknown one is refused before anything is written
        ProcessResult from = lab("snapshot", "save", "f.db", "--from", "core-03", "--name", "snap");
        assertEquals(0, from.getExitValue(), from.outputUTF8());
        assertTrue(from.outputUTF8().contains("core-03"), from.outputUTF8());
        assertTrue(Files.size(dir.resolve("f.db")) > 0);
        ProcessResult unknown = lab("snapshot", "save", "g.db", "--from", "core-09", "--name", "snap");
        assertEquals(2, unknown.getExitValue(), unknown.outputUTF8());
        assertFalse(Files.exists(dir.resolve("g.db")));
        assertEquals(0, lab("etcdctl", "--name", "snap", "--", "put", "/k", "after").getExitValue());

        ProcessResult up = lab("snapshot", "restore", "s.db", "--name", "snap");
        assertEquals(2, up.getExitValue(), up.outputUTF8());
        assertEquals("lab: lab \"snap\" is up (core-01, core-02, core-03 running): a restore replaces every member's "
                + "data with the snapshot's; add --force", up.outputUTF8().trim());
        assertEquals("after", get("/k"), "nothing changed");

        Files.writeString(dir.resolve("bogus.db"), "not a snapshot\n");
        ProcessResult bogus = lab("snapshot", "restore", "bogus.db", "--force", "--name", "snap");
        assertEquals(2, bogus.getExitValue(), bogus.outputUTF8());
        assertEquals(1, bogus.outputUTF8().trim().lines().count(), bogus.outputUTF8());
        assertTrue(bogus.outputUTF8().contains("bogus.db: not an etcd snapshot (etcdctl snapshot status: "),
                bogus.outputUTF8());
        assertEquals("after", get("/k"), "nothing changed");

        ProcessResult restore = lab("snapshot", "restore", "s.db", "--force", "--name", "snap");
        assertEquals(0, restore.getExitValue(), restore.outputUTF8());
        assertEquals("before", get("/k"), "the snapshot's value, not the one written after it");
        String status = lab("status", "--name", "snap").outputUTF8();
        assertTrue(status.contains("quorum: yes (3/3 healthy, 2 needed)"), status);
    }

    /**
     * A lab with auth restored from a snapshot of a lab without it: etcd comes back with auth off and none of the
     * lab's users, and the lab makes them again (the workload's user can read the restored key, a request without a
     * user is refused); from another auth lab's snapshot, whose root password is not this lab's: exit 2 at once.
     */
    @Test
    void aLabWithAuthKeepsItsUsersAcrossARestore() throws Exception {
        Files.writeString(dir.resolve("plain.yaml"), "name: plain\nnodes: 1\n");
        Files.writeString(dir.resolve("users.yaml"), "name: users\nnodes: 1\nsecurity: {auth: true}\n");
        Files.writeString(dir.resolve("other.yaml"), "name: other\nnodes: 1\nsecurity: {auth: true}\n");
        for (String l : new String[] {"plain", "other"}) {
            assertEquals(0, lab("up", "-f", l + ".yaml").getExitValue());
            assertEquals(0, lab("etcdctl", "--name", l, "--", "put", "/k", l).getExitValue());
            assertEquals(0, lab("snapshot", "save", l + ".db", "--name", l).getExitValue());
            assertEquals(0, lab("down", "--name", l).getExitValue());
        }
        assertEquals(0, lab("up", "-f", "users.yaml").getExitValue());
        ProcessResult restore = lab("snapshot", "restore", "plain.db", "--force", "--name", "users");
        assertEquals(0, restore.getExitValue(), restore.outputUTF8());
        assertTrue(restore.outputUTF8().contains("the snapshot has etcd's auth off: users root and lab and their "
                + "roles made again, auth enabled"), restore.outputUTF8());
        String password = Auth.Secrets.read(dir.resolve(".lab/users/auth.json")).orElseThrow().workload()
                .password();
        // etcdctl itself (lab etcdctl logs in as root): as the workload's user, then as nobody
        String url = new LabDir(dir, "users").read().orElseThrow().members().get(0).clientUrl();
        ProcessResult asLab = new ProcessExecutor().command("etcdctl", "--endpoints", url,
                "--user", "lab:" + password, "get", "/k", "--print-value-only").environment("ETCDCTL_API", "3")
                .readOutput(true).execute();
        assertEquals("plain", asLab.outputUTF8().trim(), asLab.outputUTF8());
        ProcessResult anonymous = new ProcessExecutor().command("etcdctl", "--endpoints", url,
                "get", "/k").environment("ETCDCTL_API", "3").readOutput(true).execute();
        assertTrue(anonymous.getExitValue() != 0 && anonymous.outputUTF8().contains("user name is empty"),
                "auth is on again: " + anonymous.outputUTF8());

        ProcessResult other = lab("snapshot", "restore", "other.db", "--force", "--name", "users");
        assertEquals(2, other.getExitValue(), other.outputUTF8());
        assertTrue(other.outputUTF8().contains("other.db holds etcd users whose passwords are not this lab's"),
                other.outputUTF8());
    }

    /** A backend past its quota: lab status names the NOSPACE alarm and the way out, in the table and in JSON. */
    @Test
    void statusShowsTheNospaceAlarm() throws Exception {
        Files.writeString(dir.resolve("lab.yaml"), "name: full\nnodes: 1\netcd: {quota-backend-bytes: 1MiB}\n");
        assertEquals(0, lab("up").getExitValue());
        String big = "x".repeat(100 * 1024); // one argument holds at most 128 KiB (MAX_ARG_STRLEN)
        String refused = "";
        for (int i = 0; i < 40 && refused.isEmpty(); i++) {
            ProcessResult put = lab("etcdctl", "--", "put", "/big", big);
            if (put.getExitValue() != 0) {
                refused = put.outputUTF8();
            }
        }
        assertTrue(refused.contains("etcdserver: mvcc: database space exceeded"), "etcd refused a write: " + refused);
        String status = lab("status").outputUTF8();
        assertTrue(status.contains("alarms: NOSPACE on core-01 (writes are refused: compact, defragment, then lab "
                + "etcdctl -- alarm disarm)"), status);
        assertEquals("[\"NOSPACE on core-01\"]", LabDir.json().readTree(lab("status", "-o", "json")
                .outputUTF8()).path("alarms").toString());
    }
}
