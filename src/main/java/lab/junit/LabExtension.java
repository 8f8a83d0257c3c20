package lab.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import lab.api.EtcdLab;
import lab.api.LabException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real etcd cluster for JUnit 5 tests, with faults the tests inject themselves.
 *
 * <pre>{@code
 * class CounterTest {
 *     @RegisterExtension
 *     static LabExtension lab = LabExtension.builder().nodes(3).build();
 *
 *     @Test
 *     void survivesTheLeadersDeath(EtcdLab cluster) {
 *         Client etcd = Client.builder().endpoints(cluster.endpointList().split(",")).build();
 *         cluster.kill(EtcdLab.leader());
 *         ...
 *     }
 * }
 * }</pre>
 *
 * <p>In a {@code static} field the lab is brought up once before the class's first test and taken down after its
 * last; in an instance field, once per test method. Between tests the faults a test made are undone (network
 * healed, paused members resumed, stopped and killed ones started, wiped ones replaced; see
 * {@link EtcdLab#restore}) unless the test or its class carries {@link KeepFaults}. When a test fails, the lab's
 * status table, etcd's member list and every node's log are written under {@code target/lab-reports/<class>/<test>/}
 * (the system property {@code lab.reports} moves them), published as a report entry, and printed to stderr with the
 * folder's name. Test methods (and constructors, lifecycle methods) may take the {@link EtcdLab} as a parameter.
 */
public final class LabExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, ParameterResolver {
    private final EtcdLab.Builder builder;
    private final Duration restore;
    private volatile EtcdLab lab;
    private volatile boolean perMethod;

    private LabExtension(EtcdLab.Builder builder, Duration restore) {
        this.builder = builder;
        this.restore = restore;
    }

    /** @return a builder: three local members unless told otherwise */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * @return the lab while it is up
     * @throws IllegalStateException outside the tests it serves
     */
    public EtcdLab lab() {
        EtcdLab l = lab;
        if (l == null) {
            throw new IllegalStateException("the lab is up only while the tests it serves run");
        }
        return l;
    }

    /** Classes in whose beforeAll this extension is now (a @Nested class shares its outer class's lab). */
    private int depth;

    @Override
    public synchronized void beforeAll(ExtensionContext context) {
        if (depth++ == 0) {
            lab = builder.start();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (lab == null) { // registered on an instance field: a lab per test method
            perMethod = true;
            lab = builder.start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        EtcdLab l = lab;
        if (l == null) {
            return;
        }
        if (context.getExecutionException().isPresent()) {
            report(context, l);
        }
        if (perMethod) {
            close();
            return;
        }
        boolean keep = context.getTestMethod().map(m -> m.isAnnotationPresent(KeepFaults.class)).orElse(false)
                || context.getTestClass().map(c -> c.isAnnotationPresent(KeepFaults.class)).orElse(false);
        if (!keep) {
            l.restore(restore);
        }
    }

    @Override
    public synchronized void afterAll(ExtensionContext context) {
        if (--depth == 0) {
            close();
        }
    }

    private void close() {
        EtcdLab l = lab;
        lab = null;
        if (l != null) {
            l.close();
        }
    }

    /** The status, member list and logs of a failed test, on disk and in the report. */
    private static void report(ExtensionContext context, EtcdLab l) {
        Path dir = Path.of(System.getProperty("lab.reports", "target/lab-reports"))
                .resolve(context.getTestClass().map(Class::getName).orElse("tests"))
                .resolve(context.getTestMethod().map(m -> m.getName()).orElse("test"));
        try {
            Files.createDirectories(dir);
            String report = l.report();
            Files.writeString(dir.resolve("status.txt"), report);
            for (String node : l.nodes()) {
                Path log = l.logOf(node);
                if (Files.exists(log)) {
                    Files.copy(log, dir.resolve(node + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            context.publishReportEntry("lab", dir.toAbsolutePath().toString());
            System.err.println("lab: the failed test's lab (status, member list, every node's log): "
                    + dir.toAbsolutePath() + "\n" + report);
        } catch (IOException | LabException e) {
            System.err.println("lab: could not write the failed test's lab report under " + dir + ": "
                    + e.getMessage());
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        return p.getParameter().getType() == EtcdLab.class;
    }

    @Override
    public Object resolveParameter(ParameterContext p, ExtensionContext e) throws ParameterResolutionException {
        return Optional.ofNullable(lab).orElseThrow(() -> new ParameterResolutionException("the lab is not up "
                + "here: with the extension in an instance field, the lab exists only inside each test method"));
    }

    /** The lab's shape, as {@link EtcdLab.Builder}, and how long undoing a test's faults may take. */
    public static final class Builder {
        private final EtcdLab.Builder lab = EtcdLab.builder();
        private Duration restore = Duration.ofSeconds(60);

        private Builder() {
        }

        /** @param members how many members (default 3) */
        public Builder nodes(int members) {
            lab.nodes(members);
            return this;
        }

        /** @param count how many proxies */
        public Builder proxies(int count) {
            lab.proxies(count);
            return this;
        }

        /** @param count how many workers */
        public Builder workers(int count) {
            lab.workers(count);
            return this;
        }

        /** @param p flatcar (default) or coreos */
        public Builder profile(String p) {
            lab.profile(p);
            return this;
        }

        /** @param p local (default), netns or vagrant */
        public Builder provider(String p) {
            lab.provider(p);
            return this;
        }

        /** @param path a lab.yaml to bring up instead of the shape above */
        public Builder spec(Path path) {
            lab.spec(path);
            return this;
        }

        /** @param d etcd's election timeout */
        public Builder electionTimeout(Duration d) {
            lab.electionTimeout(d);
            return this;
        }

        /** @param d etcd's heartbeat interval */
        public Builder heartbeat(Duration d) {
            lab.heartbeat(d);
            return this;
        }

        /** @param s the seed of random selectors */
        public Builder seed(long s) {
            lab.seed(s);
            return this;
        }

        /**
         * Every other setting of {@link EtcdLab.Builder} (name, work folder, readiness timeout...), e.g.
         * {@code .lab(b -> b.name("orders").readiness(Duration.ofSeconds(90)))}.
         *
         * @param settings applied to the lab's builder
         */
        public Builder lab(java.util.function.Consumer<EtcdLab.Builder> settings) {
            settings.accept(lab);
            return this;
        }

        /** @param d how long undoing a test's faults may wait for a quorum (default 60 s) */
        public Builder restoreTimeout(Duration d) {
            restore = d;
            return this;
        }

        /** @return the extension, to register with {@code @RegisterExtension} */
        public LabExtension build() {
            return new LabExtension(lab, restore);
        }
    }
}
