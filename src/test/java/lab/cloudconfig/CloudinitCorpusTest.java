package lab.cloudconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import lab.testing.Corpora;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * coreos-cloudinit's own validator tests (81 cases, v1.14.0, each rule run alone as upstream's unit tests do) and
 * the outputs of its full Validate() at v1.13.0.
 */
class CloudinitCorpusTest {

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> upstreamRuleCases() {
        List<Map<String, Object>> cases = (List<Map<String, Object>>) Corpora.json("cloudinit/cases.json");
        assertEquals(81, cases.size(), "the corpus has 81 cases");
        CloudConfigValidator v = new CloudConfigValidator(Version.V1_14);
        return cases.stream().map(c -> DynamicTest.dynamicTest(c.get("test") + "#" + c.get("idx"), () -> {
            String config = (String) c.get("config");
            Report r = run(v, (String) c.get("rule"), config);
            assertEquals(expected((List<Map<String, Object>>) c.get("expected")), actual(r),
                    "config:\n" + config);
        }));
    }

    @TestFactory
    @SuppressWarnings("unchecked")
    Stream<DynamicTest> fullValidationAtV113() {
        Map<String, Object> doc = (Map<String, Object>) Corpora.json("cloudinit/full_validate_v1.13.0.json");
        CloudConfigValidator v = new CloudConfigValidator(Version.V1_13);
        List<Map<String, Object>> results = (List<Map<String, Object>>) doc.get("results");
        // Results of files the corpus does not carry ("file:...") have no input to replay.
        List<Map<String, Object>> replayable = results.stream().filter(r -> r.get("input") != null).toList();
        // 80: the panicking-rule case (TestValidateCloudConfig#0) has no full-validation counterpart.
        assertEquals(80, replayable.size());
        return replayable.stream().map(res -> DynamicTest.dynamicTest((String) res.get("source"), () -> {
            String input = (String) res.get("input");
            assertEquals(expected((List<Map<String, Object>>) res.get("entries")), actual(v.validate(input)),
                    "input:\n" + input);
        }));
    }

    private static Report run(CloudConfigValidator v, String rule, String config) {
        Report parseOnly = new Report();
        return switch (rule) {
            case "checkDiscoveryUrl" -> v.validateCloudConfig(config, List.of(Rules.DISCOVERY_URL));
            case "checkEncoding" -> v.validateCloudConfig(config, List.of(Rules.ENCODING));
            case "checkStructure" -> v.validateCloudConfig(config, List.of(Rules.STRUCTURE));
            case "checkValidity" -> v.validateCloudConfig(config, List.of(Rules.VALIDITY));
            case "checkWriteFiles" -> v.validateCloudConfig(config, List.of(Rules.WRITE_FILES));
            case "checkWriteFilesUnderCoreos" -> v.validateCloudConfig(config, List.of(Rules.WRITE_FILES_UNDER_COREOS));
            case "validateCloudConfig(Rules)" -> v.validateCloudConfig(config, Rules.ALL);
            case "validateCloudConfig(panicking rule)" -> {
                Report r = v.validateCloudConfig(config, List.of((cfg, schema, report) -> {
                    throw new IllegalStateException("something happened");
                }));
                assertEquals("something happened", r.failure().orElse(null), "a throwing rule ends the validation");
                yield r;
            }
            case "parseCloudConfig" -> {
                v.parse(config, parseOnly);
                yield parseOnly;
            }
            case "Validate" -> v.validate(config);
            default -> throw new AssertionError("unknown rule " + rule);
        };
    }

    private static List<String> expected(List<Map<String, Object>> entries) {
        List<String> out = new ArrayList<>();
        for (Map<String, Object> e : entries) {
            out.add(e.get("kind") + "@" + e.get("line") + ": " + e.get("message"));
        }
        return out;
    }

    private static List<String> actual(Report r) {
        return r.entries().stream().map(e -> e.kind().label() + "@" + e.line() + ": " + e.message()).toList();
    }

    @org.junit.jupiter.api.Test
    void aValidConfigHasNoEntries() {
        Report r = new CloudConfigValidator(Version.V1_13).validate("#cloud-config\ncoreos:\n  etcd2:\n"
                + "    name: \"%H\"\n    heartbeat-interval: 100\n  update:\n    reboot-strategy: \"off\"\n");
        assertTrue(r.entries().isEmpty(), r.entries().toString());
    }
}
