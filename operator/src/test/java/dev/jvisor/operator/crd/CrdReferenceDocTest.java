package dev.jvisor.operator.crd;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/crd-reference.md documents every field of the generated CRD (Kubernetes' own types excepted). */
class CrdReferenceDocTest {
    /** Kubernetes types embedded as they are: documented by Kubernetes, not field by field here. */
    static final Set<String> KUBERNETES_TYPES = Set.of("spec.tolerations", "spec.agent.resources", "status.conditions");

    @Test
    void everyFieldHasARowInTheReference() throws Exception {
        JsonNode schema = CrdSchema.YAML.readTree(GeneratedCrd.committedCrd().toFile())
                .at("/spec/versions/0/schema/openAPIV3Schema/properties");
        List<String> paths = new ArrayList<>();
        collect(schema.get("spec"), "spec", paths);
        collect(schema.get("status"), "status", paths);
        String doc = Files.readString(Path.of(System.getProperty("jvisor.docs.dir", "../docs"), "crd-reference.md"));
        paths.removeAll(List.of("spec", "status"));
        assertThat(paths).hasSizeGreaterThan(40);
        assertThat(paths.stream().filter(p -> !doc.contains("`" + p + "`")).toList())
                .as("fields of the CRD without a row in docs/crd-reference.md").isEmpty();
    }

    private static void collect(JsonNode schema, String path, List<String> out) {
        out.add(path);
        if (KUBERNETES_TYPES.contains(path)) {
            return;
        }
        if (schema.has("properties")) {
            schema.get("properties").fields().forEachRemaining(p -> collect(p.getValue(), path + "." + p.getKey(), out));
        }
        if (schema.has("items") && schema.get("items").has("properties")) {
            schema.get("items").get("properties").fields()
                    .forEachRemaining(p -> collect(p.getValue(), path + "[]." + p.getKey(), out));
        }
    }
}
