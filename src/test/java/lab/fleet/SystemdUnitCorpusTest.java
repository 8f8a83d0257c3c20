package lab.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import lab.testing.Corpora;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Conformance data (systemd-unit/, see its NOTICE.md): go-systemd's 32 parse cases and 25 escape cases, every one. */
class SystemdUnitCorpusTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Path corpus() {
        return Corpora.file("systemd-unit");
    }

    static Stream<Arguments> parseCases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(corpus().resolve("expected.json").toFile())) {
            out.add(Arguments.of(e.get("file").asText(), e));
        }
        assertEquals(32, out.size());
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("parseCases")
    void parsesLikeGoSystemd(String file, JsonNode expected) throws IOException {
        String text = Files.readString(corpus().resolve("cases").resolve(file));
        if (expected.has("error")) {
            UnitFile.ParseException e = org.junit.jupiter.api.Assertions.assertThrows(UnitFile.ParseException.class,
                    () -> UnitFile.parse(text));
            assertEquals(expected.get("error").asText(), e.getMessage());
            return;
        }
        UnitFile u = UnitFile.parse(text);
        List<List<String>> options = new ArrayList<>();
        u.options().forEach(o -> options.add(List.of(o.section(), o.name(), o.value())));
        assertEquals(JSON.convertValue(expected.get("options"), List.class), options);
        if (expected.has("sections")) {
            List<Object> sections = new ArrayList<>();
            for (UnitFile.Section s : u.sections()) {
                List<List<String>> entries = new ArrayList<>();
                s.entries().forEach(o -> entries.add(List.of(o.name(), o.value())));
                sections.add(java.util.Map.of("section", s.name(), "entries", entries));
            }
            assertEquals(JSON.convertValue(expected.get("sections"), List.class), sections);
        }
    }

    static Stream<Arguments> escapeCases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode e : JSON.readTree(corpus().resolve("escape_cases.json").toFile())) {
            out.add(Arguments.of(e.get("test").asText(), e.get("isPath").asBoolean(), e.get("in").asText(),
                    e.get("out").asText()));
        }
        assertEquals(25, out.size());
        return out.stream();
    }

    @ParameterizedTest(name = "{0} path={1} \"{2}\"")
    @MethodSource("escapeCases")
    void escapesLikeSystemdEscape(String test, boolean path, String in, String out) {
        String got = test.contains("Unescape") ? (path ? UnitNames.unescapePath(in) : UnitNames.unescape(in))
                : (path ? UnitNames.escapePath(in) : UnitNames.escape(in));
        assertEquals(out, got);
    }
}
