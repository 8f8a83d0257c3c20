package lab.render;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import lab.spec.Overrides;
import lab.spec.SpecLoader;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Golden files: each directory under src/test/resources/golden holds a lab.yaml and, under expected/, exactly what
 * {@code lab render} must write for it. After an intended change, regenerate with -Dlab.golden.update=true and
 * read the diff.
 */
class GoldenRenderTest {
    static final Path ROOT = Path.of("src/test/resources/golden");

    @TestFactory
    Stream<DynamicTest> renderingsMatchTheirGoldenFiles() throws IOException {
        try (Stream<Path> dirs = Files.list(ROOT)) {
            return dirs.sorted().toList().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(),
                    () -> check(dir)));
        }
    }

    private static void check(Path dir) throws IOException {
        var spec = SpecLoader.load(dir.resolve("lab.yaml"), "lab.yaml", Overrides.none()).spec();
        Map<String, String> rendered = new TreeMap<>(LabRenderer.render(spec).files());
        Path expected = dir.resolve("expected");
        if (Boolean.getBoolean("lab.golden.update")) {
            if (Files.exists(expected)) {
                try (Stream<Path> old = Files.walk(expected)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            LabRenderer.write(LabRenderer.render(spec), expected);
        }
        assertEquals(rendered, read(expected), "rendering of " + dir + " differs from its golden files");
    }

    /** Every file under {@code dir}, keyed by its path relative to it. */
    static Map<String, String> read(Path dir) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                files.put(dir.relativize(p).toString().replace('\\', '/'), Files.readString(p));
            }
        }
        return files;
    }
}
