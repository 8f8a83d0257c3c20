package lab.fleet;

import lab.transport.Shell;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import lab.machine.Machine;
import lab.transport.ExecResult;

/**
 * Units as systemd units of a VM, the way fleet's agent ran them: the unit as fleet re-serializes it is written to
 * systemd's runtime unit directory (/run/systemd/system, so a reboot forgets it, as it forgot fleet's), then
 * {@code systemctl daemon-reload} and {@code start}; stopping is {@code systemctl stop} and removing the file. systemd
 * itself runs the Exec* lines and expands the specifiers (%m is the VM's own /etc/machine-id, which is why the agent
 * of a VM takes that as its machine ID); {@code journalctl -u} has the output. A drop-in next to the unit gives it
 * the environment the lab's agents give units on every provider (ETCDCTL_ENDPOINTS naming every member, so a unit
 * whose own node's etcd is down can still deregister itself; COREOS_PUBLIC_IPV4 and friends).
 */
public final class SystemdUnitRunner implements UnitRunner {
    public static final String UNIT_DIR = "/run/systemd/system";
    private static final Duration PING = Duration.ofSeconds(2);
    private final Machine machine;
    private final Set<String> started = ConcurrentHashMap.newKeySet();
    private final Map<String, String> environment;

    public SystemdUnitRunner(Machine machine) {
        this(machine, Map.of());
    }

    /** @param environment set for every unit by a drop-in ({@code Environment=} lines) */
    public SystemdUnitRunner(Machine machine, Map<String, String> environment) {
        this.machine = machine;
        this.environment = Map.copyOf(environment);
    }

    /** The machine's /etc/machine-id, fleet's ID for it. */
    public static String machineId(Machine m) {
        ExecResult r = m.exec("cat /etc/machine-id", PING.multipliedBy(5));
        String id = r.stdout().trim();
        if (!r.ok() || !id.matches("[0-9a-f]{32}")) {
            throw new lab.spec.EnvironmentException(m.name() + ": no machine ID in /etc/machine-id (" + (r.stderr()
                    + r.stdout()).trim() + ")");
        }
        return id;
    }

    @Override
    public boolean reachable() {
        try {
            return machine.exec("true", PING).ok();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public boolean start(FleetUnit unit, Map<String, String> specifiers) {
        started.add(unit.name());
        String name = quote(unit.name());
        String text = unit.serialize();
        StringBuilder dropIn = new StringBuilder("[Service]\n");
        new java.util.TreeMap<>(environment).forEach((k, v) -> dropIn.append("Environment=\"").append(k).append('=')
                .append(v).append("\"\n"));
        try {
            return machine.exec("mkdir -p " + UNIT_DIR + "/" + name + ".d && "
                    + Shell.heredoc("cat > " + UNIT_DIR + "/" + name, text) + "\n"
                    + Shell.heredoc("cat > " + UNIT_DIR + "/" + name + ".d/10-lab-environment.conf",
                            dropIn.toString())
                    + "\nsystemctl daemon-reload && systemctl start " + name).ok();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void stop(String unit) {
        started.remove(unit);
        String name = quote(unit);
        try {
            machine.exec("systemctl stop " + name + "; rm -rf " + UNIT_DIR + "/" + name + " " + UNIT_DIR + "/" + name
                    + ".d && systemctl daemon-reload");
        } catch (RuntimeException e) {
            // an unreachable machine runs nothing the cluster still counts on; its units go with the machine
        }
    }

    @Override
    public boolean running(String unit) {
        try {
            return machine.exec("systemctl is-active --quiet " + quote(unit), PING.multipliedBy(5)).ok();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void stopAll() {
        Set.copyOf(started).forEach(this::stop);
    }

    /** The unit's last journal lines on its machine. */
    @Override
    public String output(String unit, int lines) {
        return machine.exec("journalctl --no-pager -o short -n " + lines + " -u " + quote(unit)).stdout();
    }

    private static String quote(String unit) {
        if (!unit.matches("[A-Za-z0-9:_.@\\\\-]+")) {
            throw new IllegalArgumentException("not a unit name: " + unit);
        }
        return Shell.quote(unit);
    }
}
