package lab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The shared conformance corpora (../shared/corpora beside the repository, or -Dlab.corpora). A missing corpus
 * fails the test that needs it: these cases are the acceptance, not an optional extra.
 */
public final class Corpora {
    private Corpora() {
    }

    public static Path root() {
        Path p = Path.of(System.getProperty("lab.corpora", "../shared/corpora")).toAbsolutePath().normalize();
        if (!Files.isDirectory(p)) {
            throw new IllegalStateException("conformance corpora not found at " + p
                    + " (clone next to shared/, or pass -Dlab.corpora=DIR)");
        }
        return p;
    }

    public static Path file(String relative) {
        return root().resolve(relative);
    }

    /** Reads a JSON file of the corpus (JSON is read as YAML 1.1 flow style, which it is). */
    public static Object json(String relative) {
        try {
            LoaderOptions o = new LoaderOptions();
            o.setCodePointLimit(64 * 1024 * 1024);
            return new Yaml(new SafeConstructor(o)).load(Files.readString(file(relative)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
