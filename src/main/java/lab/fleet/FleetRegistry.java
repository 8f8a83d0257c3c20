package lab.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import lab.etcd.EtcdHttp;

/**
 * fleet's registry in the lab's etcd, under {@value #ROOT}, laid out as fleet laid it out, so that {@code lab etcdctl
 * -- get --prefix /_coreos.com/fleet} shows a class what fleet keeps: {@code unit/<hash>} (the unit file),
 * {@code job/<name>/object} ({"Name", "UnitHash"}), {@code job/<name>/target-state}, {@code job/<name>/target} (the
 * machine the engine chose), {@code machines/<id>/object} (under the agent's lease: gone when it stops heartbeating),
 * {@code states/<name>/<machine>}, and {@code lease/engine-leader}.
 */
public final class FleetRegistry {
    public static final String ROOT = "/_coreos.com/fleet/";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CALL = Duration.ofSeconds(2);
    private final String endpoint;

    /** @param endpoint the client URL of the etcd member this registry talks through */
    public FleetRegistry(String endpoint) {
        this.endpoint = endpoint;
    }

    public String endpoint() {
        return endpoint;
    }

    /** Stores the unit and its job (target state inactive unless it had one). */
    public void submit(FleetUnit u, String text) {
        String hash = u.hash();
        EtcdHttp.put(endpoint, ROOT + "unit/" + hash, text, 0, CALL);
        ObjectNode o = JSON.createObjectNode().put("Name", u.name()).put("UnitHash", hash);
        EtcdHttp.put(endpoint, ROOT + "job/" + u.name() + "/object", o.toString(), 0, CALL);
        EtcdHttp.createIfAbsent(endpoint, ROOT + "job/" + u.name() + "/target-state", "inactive", 0, CALL);
    }

    public void targetState(String unit, Job.TargetState state) {
        EtcdHttp.put(endpoint, ROOT + "job/" + unit + "/target-state", state.id(), 0, CALL);
    }

    /** Removes the job and its states (the unit text stays, as fleet keeps it by hash). */
    public void destroy(String unit) {
        EtcdHttp.deletePrefix(endpoint, ROOT + "job/" + unit + "/", CALL);
        EtcdHttp.deletePrefix(endpoint, ROOT + "states/" + unit + "/", CALL);
    }

    public void schedule(String unit, String machine) {
        EtcdHttp.put(endpoint, ROOT + "job/" + unit + "/target", machine, 0, CALL);
    }

    public void unschedule(String unit) {
        EtcdHttp.delete(endpoint, ROOT + "job/" + unit + "/target", CALL);
    }

    /** Every job with its unit, target state and machine: two range reads, whatever the number of jobs. */
    /** The last jobs() read through each endpoint by any registry of this process: {nanoTime, List<Job>}. */
    private static final Map<String, Object[]> RECENT = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Map<String, Object> READING = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@link #jobs()} as read through this endpoint at most {@code maxAge} ago, by this or another registry of this
     * process: the agents the daemon runs for a lab's workers all talk through the same member, and 50 of them
     * reading and parsing every job twice a second each kept a core busy. One reads, the others wait for it.
     */
    @SuppressWarnings("unchecked")
    public List<Job> recentJobs(Duration maxAge) {
        synchronized (READING.computeIfAbsent(endpoint, k -> new Object())) {
            Object[] last = RECENT.get(endpoint);
            if (last != null && System.nanoTime() - (Long) last[0] < maxAge.toNanos()) {
                return (List<Job>) last[1];
            }
            List<Job> fresh = List.copyOf(jobs());
            RECENT.put(endpoint, new Object[] {System.nanoTime(), fresh});
            return fresh;
        }
    }

    public List<Job> jobs() {
        SortedMap<String, String> all = EtcdHttp.range(endpoint, ROOT + "job/", CALL);
        SortedMap<String, String> texts = EtcdHttp.range(endpoint, ROOT + "unit/", CALL);
        List<Job> out = new ArrayList<>();
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (!e.getKey().endsWith("/object")) {
                continue;
            }
            String base = e.getKey().substring(0, e.getKey().length() - "object".length());
            JsonNode o = read(e.getValue());
            String name = o.path("Name").asText();
            String text = texts.getOrDefault(ROOT + "unit/" + o.path("UnitHash").asText(), "");
            Job.TargetState target = Job.TargetState.valueOf(all.getOrDefault(base + "target-state", "inactive")
                    .toUpperCase(java.util.Locale.ROOT));
            out.add(new Job(FleetUnit.parse(name, text), target, all.get(base + "target")));
        }
        return out;
    }

    /** Registers (or refreshes) a machine under a lease; it vanishes when the lease is not kept alive. */
    public void register(FleetMachine m, String publicIp, long lease) {
        ObjectNode o = JSON.createObjectNode().put("ID", m.id()).put("PublicIP", publicIp);
        ObjectNode md = o.putObject("Metadata");
        m.metadata().forEach(md::put);
        EtcdHttp.put(endpoint, ROOT + "machines/" + m.id() + "/object", o.toString(), lease, CALL);
    }

    /** The machines whose agents are alive, with their public IPs. */
    public Map<FleetMachine, String> machines() {
        Map<FleetMachine, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : EtcdHttp.range(endpoint, ROOT + "machines/", CALL).entrySet()) {
            JsonNode o = read(e.getValue());
            Map<String, String> md = new LinkedHashMap<>();
            o.path("Metadata").fields().forEachRemaining(f -> md.put(f.getKey(), f.getValue().asText()));
            out.put(new FleetMachine(o.path("ID").asText(), md), o.path("PublicIP").asText());
        }
        return out;
    }

    /** Takes the engine lease for {@code machine}; true when it is (or stays) the engine. */
    public boolean leadEngine(String machine, long lease) {
        String key = ROOT + "lease/engine-leader";
        return EtcdHttp.createIfAbsent(endpoint, key, machine, lease, CALL)
                || EtcdHttp.get(endpoint, key, CALL).map(machine::equals).orElse(false);
    }

    /** An agent's report of a unit on its machine, under its lease. */
    public void publishState(String unit, String machine, String activeState, String subState, long lease) {
        ObjectNode o = JSON.createObjectNode().put("loadState", "loaded").put("activeState", activeState)
                .put("subState", subState).put("machineID", machine);
        EtcdHttp.put(endpoint, ROOT + "states/" + unit + "/" + machine, o.toString(), lease, CALL);
    }

    /** What an agent reported of a unit on its machine. */
    public record UnitState(String activeState, String subState) {
        public boolean running() {
            return subState.equals("running");
        }
    }

    /** The agents' reports, by unit and machine. */
    public Map<String, Map<String, UnitState>> states() {
        Map<String, Map<String, UnitState>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : EtcdHttp.range(endpoint, ROOT + "states/", CALL).entrySet()) {
            String[] path = e.getKey().substring((ROOT + "states/").length()).split("/");
            if (path.length == 2) {
                JsonNode o = read(e.getValue());
                out.computeIfAbsent(path[0], k -> new LinkedHashMap<>()).put(path[1], new UnitState(
                        o.path("activeState").asText("-"), o.path("subState").asText("-")));
            }
        }
        return out;
    }

    /** A unit's report from one machine, if that machine made one. */
    public static java.util.Optional<UnitState> state(Map<String, Map<String, UnitState>> states, String unit,
                                                      String machine) {
        return java.util.Optional.ofNullable(states.getOrDefault(unit, Map.of()).get(machine));
    }

    /** Removes an agent's report of a unit it no longer runs. */
    public void clearState(String unit, String machine) {
        EtcdHttp.delete(endpoint, ROOT + "states/" + unit + "/" + machine, CALL);
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return JSON.createObjectNode();
        }
    }
}
