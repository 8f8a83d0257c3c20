package lab.provider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import lab.machine.Machine;
import lab.net.LinkRules;
import lab.spec.EnvironmentException;

/**
 * Network faults on nodes reached over SSH (netns nodes, VMs): each node drops the packets of the nodes whose links
 * to it are cut, in the lab's own iptables chain, and delays with netem. The rules asked for live in
 * {@code .lab/<name>/rules.txt}, since no daemon holds them; they are recorded before any node is changed, and
 * {@code rules.pending} says that not every node may have them yet (an SSH call failed halfway), so the next change
 * goes to every node instead of trusting the record. A heal always goes to every node.
 */
public final class SshFaults {
    private SshFaults() {
    }

    public static LinkRules rules(LabDir dir) {
        Path f = file(dir);
        try {
            return Files.exists(f) ? LinkRules.fromText(Files.readString(f)) : LinkRules.NONE;
        } catch (IOException e) {
            throw new EnvironmentException("cannot read " + f + ": " + e.getMessage(), e);
        }
    }

    /** Only nodes whose rules change are touched, side by side, so a partition takes effect within one round trip. */
    public static void apply(Lab lab, LinkRules r, Function<String, Machine> machine) {
        apply(lab, r, machine, true);
    }

    /** @param netem whether delays are tc netem on the nodes (VMs); false leaves delays to the caller */
    public static void apply(Lab lab, LinkRules r, Function<String, Machine> machine, boolean netem) {
        LinkRules old = rules(lab.dir());
        boolean uncertain = Files.exists(pending(lab.dir())) || r.equals(LinkRules.NONE);
        Map<String, String> addressOf = new HashMap<>();
        lab.state().nodes().forEach(n -> addressOf.put(n.name(), n.address()));
        List<NodeState> changed = new ArrayList<>();
        for (NodeState n : lab.state().members()) {
            if (uncertain || !dropped(old, n.name(), addressOf).equals(dropped(r, n.name(), addressOf))
                    || (netem && !Objects.equals(old.delays().get(n.name()), r.delays().get(n.name())))) {
                changed.add(n);
            }
        }
        write(pending(lab.dir()), "rules.txt may not be on every node yet\n");
        write(file(lab.dir()), r.toText());
        parallel(changed, n -> {
            Machine m = machine.apply(n.name());
            m.dropFrom(dropped(r, n.name(), addressOf));
            if (netem && (uncertain || !Objects.equals(old.delays().get(n.name()), r.delays().get(n.name())))) {
                List<Integer> d = r.delays().getOrDefault(n.name(), List.of(0, 0));
                m.delay(d.get(0), d.get(1));
            }
        });
        try {
            Files.deleteIfExists(pending(lab.dir()));
        } catch (IOException e) {
            throw new EnvironmentException("cannot remove " + pending(lab.dir()) + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path f, String text) {
        try {
            Files.writeString(f, text);
        } catch (IOException e) {
            throw new EnvironmentException("cannot write " + f + ": " + e.getMessage(), e);
        }
    }

    private static Path pending(LabDir dir) {
        return dir.root().resolve("rules.pending");
    }

    private static Set<String> dropped(LinkRules r, String node, Map<String, String> addressOf) {
        Set<String> out = new TreeSet<>();
        for (List<String> link : r.cut()) {
            if (link.get(1).equals(node) && addressOf.containsKey(link.get(0))) {
                out.add(addressOf.get(link.get(0)));
            }
        }
        return out;
    }

    private static Path file(LabDir dir) {
        return dir.root().resolve("rules.txt");
    }

    /**
     * Runs the action for every item at once and waits for all of them, also when one fails (a node half-changed
     * because its neighbour's call failed is what a fault must never leave); then the first failure is thrown as it
     * was, the others added to it.
     */
    public static <T> void parallel(List<T> items, java.util.function.Consumer<T> action) {
        if (items.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(items.size());
        RuntimeException first = null;
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (T t : items) {
                fs.add(pool.submit(() -> action.accept(t)));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    RuntimeException re = e.getCause() instanceof RuntimeException x ? x
                            : new EnvironmentException(e.getCause().getMessage(), e.getCause());
                    if (first == null) {
                        first = re;
                    } else {
                        first.addSuppressed(re);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EnvironmentException("interrupted", e);
        } finally {
            pool.shutdown();
        }
        if (first != null) {
            throw first;
        }
    }
}
