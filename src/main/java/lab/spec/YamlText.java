package lab.spec;

import java.io.StringReader;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Parses YAML into SnakeYAML's node graph, which keeps the line and column of every key and value, so that every
 * later problem can be reported as {@code file:line:col}. Only the composer runs: no object is constructed from
 * the document, so no tag can instantiate anything.
 */
public final class YamlText {
    private YamlText() {
    }

    /**
     * The root node of a one-document YAML text, or empty when the text is empty or has a syntax error (then the
     * error is in {@code problems}).
     */
    public static Optional<Node> parse(String file, String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowRecursiveKeys(false);
        options.setMaxAliasesForCollections(50);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try {
            return Optional.ofNullable(yaml.compose(new StringReader(text)));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            problems.error(pos(file, mark), "YAML syntax: " + oneLine(e.getProblem()));
        } catch (YAMLException e) {
            problems.error(Pos.start(file), "YAML syntax: " + oneLine(e.getMessage()));
        }
        return Optional.empty();
    }

    public static Pos pos(String file, Mark mark) {
        return mark == null ? Pos.start(file) : new Pos(file, mark.getLine() + 1, mark.getColumn() + 1);
    }

    public static Pos pos(String file, Node node) {
        return pos(file, node.getStartMark());
    }

    private static String oneLine(String s) {
        return s == null ? "unreadable YAML" : s.replace('\n', ' ').trim();
    }
}
