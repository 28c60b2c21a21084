package dev.jvisor.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generated CRD accepts every sample in docs/samples and rejects every one in docs/samples/bad with a message
 * naming the field. The mock API server validates nothing, so this is where the schema is exercised.
 */
class SamplesSchemaTest {
    /** What each bad sample's rejection must mention. Every file in bad/ must be listed. */
    static final Map<String, String> BAD = Map.ofEntries(
            Map.entry("handler-not-dns-label.yaml", "spec.handler"),
            Map.entry("unknown-distribution.yaml", "spec.containerd.distribution"),
            Map.entry("overhead-not-a-quantity.yaml", "spec.overhead.memory"),
            Map.entry("config-path-relative.yaml", "spec.containerd.configPath"),
            Map.entry("unknown-field.yaml", "kernelVersion"),
            Map.entry("pull-policy.yaml", "spec.agent.imagePullPolicy"),
            Map.entry("config-path-with-auto.yaml", "containerd.configPath needs an explicit containerd.distribution"),
            Map.entry("reserved-node-selector.yaml", "nodeSelector must not use jvisor.dev/ keys"),
            Map.entry("max-unavailable-zero.yaml", "maxUnavailable must be an integer >= 1"),
            Map.entry("name-too-long.yaml", "metadata.name must be a DNS-1123 label of at most 40 characters"));

    static CrdSchema schema;

    @BeforeAll
    static void load() throws IOException {
        schema = new CrdSchema(GeneratedCrd.committedCrd());
    }

    static Stream<Path> goodSamples() throws IOException {
        return yamlIn(GeneratedCrd.samplesDir());
    }

    static Stream<Path> badSamples() throws IOException {
        return yamlIn(GeneratedCrd.samplesDir().resolve("bad"));
    }

    private static Stream<Path> yamlIn(Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("goodSamples")
    void everyDocumentedSampleIsAccepted(Path sample) throws IOException {
        assertThat(schema.violations(CrdSchema.YAML.readTree(sample.toFile()))).as(sample.toString()).isEmpty();
    }

    @ParameterizedTest
    @MethodSource("badSamples")
    void everyBadSampleIsRejectedNamingTheField(Path sample) throws IOException {
        String expected = BAD.get(sample.getFileName().toString());
        assertThat(expected).as("add %s to SamplesSchemaTest.BAD", sample.getFileName()).isNotNull();
        List<String> problems = schema.violations(CrdSchema.YAML.readTree(sample.toFile()));
        assertThat(problems).as(sample.toString()).isNotEmpty();
        assertThat(String.join("\n", problems)).as(sample.toString()).contains(expected);
    }

    @Test
    void thereAreGoodAndBadSamples() throws IOException {
        assertThat(goodSamples().count()).isGreaterThanOrEqualTo(3);
        assertThat(badSamples().map(p -> p.getFileName().toString()).toList())
                .containsExactlyInAnyOrderElementsOf(BAD.keySet());
    }

    @Test
    void runtimeClassNameAndHandlerCannotChangeOnUpdate() throws IOException {
        JsonNode old = CrdSchema.YAML.readTree(GeneratedCrd.samplesDir().resolve("full.yaml").toFile());
        ObjectNode renamed = old.deepCopy();
        ((ObjectNode) renamed.get("spec")).put("runtimeClassName", "gvisor-2");
        ((ObjectNode) renamed.get("spec")).put("handler", "jvisor-2");
        assertThat(schema.violations(renamed, old)).containsExactlyInAnyOrder(
                "spec.runtimeClassName: runtimeClassName is immutable: create a new SandboxRuntime",
                "spec.handler: handler is immutable: create a new SandboxRuntime");
        ObjectNode tuned = old.deepCopy();
        ((ObjectNode) tuned.get("spec").get("sandbox")).put("debug", true);
        assertThat(schema.violations(tuned, old)).isEmpty();
    }

    @Test
    void maxUnavailableAcceptsNumbersAndPercentages() throws IOException {
        JsonNode base = CrdSchema.YAML.readTree(GeneratedCrd.samplesDir().resolve("minimal.yaml").toFile());
        for (String ok : List.of("1", "5", "\"10%\"", "\"100%\"")) {
            assertThat(schema.violations(withMaxUnavailable(base, ok))).as(ok).isEmpty();
        }
        for (String bad : List.of("0", "-1", "\"0%\"", "\"101%\"", "\"ten\"")) {
            assertThat(schema.violations(withMaxUnavailable(base, bad))).as(bad).isNotEmpty();
        }
    }

    private static JsonNode withMaxUnavailable(JsonNode base, String json) throws IOException {
        ObjectNode copy = base.deepCopy();
        ((ObjectNode) copy.get("spec")).putObject("updateStrategy")
                .set("maxUnavailable", CrdSchema.YAML.readTree(json));
        return copy;
    }
}
