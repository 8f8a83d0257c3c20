package lab.fleet;

import lab.transport.Shell;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.spec.EnvironmentException;
import lab.transport.ExecResult;
import lab.transport.Transport;

/**
 * Real fleet on a classic CoreOS VM, through fleetctl over SSH: commands with unit files uploaded first, and a
 * {@link FleetSnapshot} read from fleetctl's listings (full IDs, no legend, tab-separated columns), so that the same
 * scenario expectations hold real fleet to the same rules as the lab's own.
 */
public final class Fleetctl {
    /** Where unit files go on the VM before fleetctl reads them. */
    public static final String UPLOADS = "/tmp/lab-units";
    private static final Duration CALL = Duration.ofMinutes(2);
    private final Transport transport;
    private boolean uploadsMade;

    public Fleetctl(Transport transport) {
        this.transport = transport;
    }

    /** Copies a unit file to the VM; returns the path fleetctl is given for {@code arg} (an instance finds its template). */
    public String upload(UnitSource src, String arg) {
        if (!uploadsMade) {
            transport.exec("mkdir -p " + UPLOADS, CALL);
            uploadsMade = true;
        }
        transport.upload(src.file(), UPLOADS + "/" + src.file().getFileName(), 0644);
        return UPLOADS + "/" + java.nio.file.Path.of(arg).getFileName();
    }

    public ExecResult run(List<String> args) {
        List<String> cmd = new ArrayList<>(List.of("fleetctl"));
        cmd.addAll(args);
        return transport.exec(String.join(" ", cmd.stream().map(Fleetctl::quote).toList()), CALL);
    }

    private String listing(String... args) {
        ExecResult r = run(List.of(args));
        if (!r.ok()) {
            throw new EnvironmentException("fleetctl " + String.join(" ", args) + " failed (exit " + r.exitCode()
                    + "): " + (r.stderr() + r.stdout()).trim());
        }
        return r.stdout();
    }

    public FleetSnapshot snapshot() {
        Map<FleetMachine, String> machines = machines(listing("list-machines", "--full", "--no-legend",
                "--fields=machine,ip,metadata"));
        Map<String, String> files = new LinkedHashMap<>();
        for (String[] row : rows(listing("list-unit-files", "--full", "--no-legend", "--fields=unit,dstate,target"),
                3)) {
            files.put(row[0], row[1] + "\t" + row[2]);
        }
        List<Job> jobs = new ArrayList<>();
        for (Map.Entry<String, String> f : files.entrySet()) {
            String[] dt = f.getValue().split("\t");
            jobs.add(job(f.getKey(), listing("cat", f.getKey()), dt[0], dt[1]));
        }
        return new FleetSnapshot(jobs, machines, states(listing("list-units", "--full", "--no-legend",
                "--fields=unit,machine,active,sub")));
    }

    /** {@code fleetctl list-machines --full --no-legend --fields=machine,ip,metadata}. */
    static Map<FleetMachine, String> machines(String out) {
        Map<FleetMachine, String> m = new LinkedHashMap<>();
        for (String[] row : rows(out, 3)) {
            Map<String, String> md = new LinkedHashMap<>();
            if (!row[2].equals("-")) {
                for (String kv : row[2].split(",")) {
                    String[] p = kv.split("=", 2);
                    if (p.length == 2) {
                        md.put(p[0], p[1]);
                    }
                }
            }
            m.put(new FleetMachine(row[0], md), row[1]);
        }
        return m;
    }

    /** {@code fleetctl list-units --full --no-legend --fields=unit,machine,active,sub}: MACHINE is ID/IP. */
    static Map<String, Map<String, FleetRegistry.UnitState>> states(String out) {
        Map<String, Map<String, FleetRegistry.UnitState>> s = new LinkedHashMap<>();
        for (String[] row : rows(out, 4)) {
            s.computeIfAbsent(row[0], k -> new LinkedHashMap<>()).put(machineId(row[1]),
                    new FleetRegistry.UnitState(row[2], row[3]));
        }
        return s;
    }

    /** A job from {@code fleetctl cat} and list-unit-files' DSTATE and TARGET ("-" when unscheduled). */
    static Job job(String name, String text, String dstate, String target) {
        Job.TargetState t = switch (dstate) {
            case "launched" -> Job.TargetState.LAUNCHED;
            case "loaded" -> Job.TargetState.LOADED;
            default -> Job.TargetState.INACTIVE;
        };
        return new Job(FleetUnit.parse(name, text), t, target.equals("-") ? null : machineId(target));
    }

    static String machineId(String column) {
        int slash = column.indexOf('/');
        return slash < 0 ? column : column.substring(0, slash);
    }

    /**
     * fleetctl's tabwriter rows: its padding character is a tab, so columns are separated by one or more tabs; rows
     * of another width are not fleetctl's answer.
     */
    static List<String[]> rows(String out, int columns) {
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t+");
            if (f.length != columns) {
                throw new EnvironmentException("fleetctl printed a line of " + f.length + " columns where " + columns
                        + " were asked for: " + line);
            }
            for (int i = 0; i < f.length; i++) {
                f[i] = f[i].trim();
            }
            rows.add(f);
        }
        return rows;
    }

    static String quote(String s) {
        return Shell.quote(s);
    }
}
