package lab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.provider.ClusterStatus;
import lab.provider.NodeStatus;
import lab.provider.LabDir;


/** `lab status` as a table (etcdctl style plus the quorum line) or as JSON. */
public final class StatusReport {
    private StatusReport() {
    }

    public static String table(ClusterStatus s) {
        return table(s, List.of());
    }

    /** @param alarms the cluster's alarms, like "NOSPACE on core-01", shown under the quorum line when any */
    public static String table(ClusterStatus s, List<String> alarms) {
        Table t = new Table("NODE", "ROLE", "ADDRESS", "PROCESS", "MEMBER ID", "LEADER", "RAFT TERM", "RAFT INDEX",
                "DB SIZE", "HEALTH", "CUT FROM");
        for (NodeStatus n : s.nodes()) {
            boolean etcd = !n.memberId().isEmpty() || n.raftTerm() > 0;
            t.row(n.name(), n.role().id() + (n.learner() ? " (learner)" : ""), n.address(),
                    n.process().name().toLowerCase(java.util.Locale.ROOT), n.memberId(), n.leader() ? "*" : "",
                    etcd && n.raftTerm() > 0 ? n.raftTerm() : "", etcd && n.raftIndex() > 0 ? n.raftIndex() : "",
                    n.dbSize() > 0 ? size(n.dbSize()) : "", health(n), String.join(",", n.cutFrom().stream().sorted()
                            .toList()));
        }
        return t + s.summary() + "\n" + (alarms.isEmpty() ? "" : "alarms: " + String.join(", ", alarms)
                + (alarms.stream().anyMatch(a -> a.startsWith("NOSPACE")) ? " (writes are refused: compact, defragment, "
                + "then lab etcdctl -- alarm disarm)" : "") + "\n");
    }

    private static String health(NodeStatus n) {
        if (n.role() == lab.spec.Role.WORKER || n.process() == lab.provider.NodeState.Process.REMOVED) {
            return "";
        }
        return n.healthy() ? "healthy" : "unhealthy";
    }

    public static String json(ClusterStatus s) {
        return json(s, List.of());
    }

    public static String json(ClusterStatus s, List<String> alarms) {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> nodes = new ArrayList<>();
        for (NodeStatus n : s.nodes()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", n.name());
            m.put("role", n.role().id());
            m.put("address", n.address());
            m.put("process", n.process().name().toLowerCase(java.util.Locale.ROOT));
            m.put("memberId", n.memberId());
            m.put("leader", n.leader());
            m.put("raftTerm", n.raftTerm());
            m.put("raftIndex", n.raftIndex());
            m.put("dbSize", n.dbSize());
            m.put("healthy", n.healthy());
            m.put("learner", n.learner());
            m.put("cutFrom", n.cutFrom().stream().sorted().toList());
            m.put("error", n.error());
            nodes.add(m);
        }
        out.put("nodes", nodes);
        out.put("quorum", s.quorum());
        out.put("voters", s.voters());
        out.put("healthyVoters", s.healthyVoters());
        out.put("needed", s.needed());
        out.put("leader", s.leader().orElse(null));
        out.put("term", s.term());
        out.put("problem", s.problem().orElse(null));
        out.put("alarms", alarms);
        try {
            return LabDir.json().writeValueAsString(out) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String size(long bytes) {
        return bytes < 1024 ? bytes + " B" : bytes < 1 << 20 ? bytes / 1024 + " kB" : bytes / (1 << 20) + " MB";
    }
}
