package lab.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import lab.provider.LabDir;

/**
 * The processes a lab recorded in its state.json ({pid, start time} of every node and the daemon), read the way
 * an outside observer would, so tests can check that nothing of a lab survives its end.
 */
public final class RecordedProcesses {
    private RecordedProcesses() {
    }

    /** Empty while the lab has written no state yet. */
    public static List<long[]> of(Path workDir, String lab) {
        List<long[]> out = new ArrayList<>();
        try {
            JsonNode s = LabDir.json().readTree(workDir.resolve(".lab").resolve(lab).resolve("state.json").toFile());
            s.path("nodes").forEach(n -> out.add(new long[] {n.path("pid").asLong(), n.path("startedAt").asLong()}));
            out.add(new long[] {s.path("daemonPid").asLong(), s.path("daemonStartedAt").asLong()});
        } catch (IOException e) {
            // no state (yet)
        }
        return out;
    }

    /**
     * Whether that very process (PID and start time) still runs. A zombie does not: it is dead and holds nothing,
     * only waits for the process that adopted it (here PID 1, which may reap late) to collect its exit status.
     */
    public static boolean alive(long[] p) {
        return p[0] > 0 && ProcessHandle.of(p[0]).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().startInstant().map(Instant::toEpochMilli).orElse(0L) == p[1])
                .filter(h -> !zombie(h.pid())).isPresent();
    }

    private static boolean zombie(long pid) {
        try {
            String stat = java.nio.file.Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return false; // gone meanwhile: ProcessHandle said so or will
        }
    }
}
