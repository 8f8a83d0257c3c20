package lab.cli;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import lab.provider.Recovery;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "snapshot", description = "Save a member's backend to a file, or restore the whole cluster from one.")
final class SnapshotCommand extends RunningLabVerb {
    @Command(name = "save", description = "Save a snapshot (etcdctl snapshot save) from the leader, or --from NODE.")
    int save(@Parameters(paramLabel = "FILE", arity = "0..1", description = "Default: "
            + ".lab/snapshots/<lab>-<time>.db.") String file,
             @Option(names = "--from", paramLabel = "NODE", description = "The member to save it from (default: the "
                     + "leader).") String from) {
        var lab = lab();
        Path f = file != null ? top.workDir().resolve(file) : top.workDir().resolve(".lab/snapshots").resolve(
                lab.state().name() + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + ".db");
        Recovery.SnapshotInfo info = Recovery.save(lab, from, f);
        out().println(String.format("saved %s: revision %d, %d keys, %d bytes", top.workDir().relativize(
                f.toAbsolutePath()), info.revision(), info.totalKeys(), info.totalSize()));
        return ExitCode.OK;
    }

    @Command(name = "restore", description = "Make a new cluster from a snapshot: every member stopped, its data "
            + "replaced (etcdctl snapshot restore with the lab's names and peer URLs), started; waits until healthy.")
    int restore(@Parameters(paramLabel = "FILE", description = "A file lab snapshot save or etcdctl snapshot save "
            + "wrote.") String file,
                @Option(names = "--force", description = "Restore even though members are running (they are "
                        + "stopped and their data replaced).") boolean force) {
        Recovery.SnapshotInfo info = Recovery.restore(lab(), top.workDir().resolve(file), force);
        out().println(String.format("restored from %s: revision %d, %d keys", file, info.revision(),
                info.totalKeys()));
        return ExitCode.OK;
    }
}
