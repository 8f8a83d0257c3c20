package lab.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The conformance data other projects wrote (src/test/resources/conformance, origin and licence in its NOTICE.md),
 * found on the test class path: a clone tests itself with nothing beside it. A missing file fails the test that
 * needs it: these cases are the acceptance, not an optional extra.
 */
public final class Corpora {
    private Corpora() {
    }

    public static Path root() {
        URL url = Corpora.class.getResource("/conformance/NOTICE.md");
        if (url == null) {
            throw new IllegalStateException("conformance data not on the test class path"
                    + " (src/test/resources/conformance; run the tests through Maven)");
        }
        try {
            return Path.of(url.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Path file(String relative) {
        Path p = root().resolve(relative);
        if (!Files.exists(p)) {
            throw new IllegalStateException("conformance file missing: " + p);
        }
        return p;
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
