package dev.jvisor.e2e.chart;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The generated SandboxRuntime CRD's {@code openAPIV3Schema}, used as a JSON schema. Kubernetes' structural schemas
 * are a subset of JSON Schema draft 4 plus {@code x-kubernetes-*} keywords, which the validator ignores.
 */
final class SandboxRuntimeCrd {

  static final String KIND = "SandboxRuntime";
  static final String VERSION = "v1alpha1";

  private final JsonNode openApiSchema;
  private final JsonSchema schema;

  private SandboxRuntimeCrd(JsonNode openApiSchema) {
    this.openApiSchema = openApiSchema;
    this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V4).getSchema(openApiSchema);
  }

  /** The CRD among the YAML files of {@code dir} whose kind is SandboxRuntime, if one is there yet. */
  static Optional<SandboxRuntimeCrd> find(Path dir) {
    for (Path file : yamlFiles(dir)) {
      try {
        JsonNode crd = new YAMLMapper().readTree(file.toFile());
        if (crd != null && KIND.equals(crd.at("/spec/names/kind").asText())) {
          for (JsonNode version : crd.at("/spec/versions")) {
            if (VERSION.equals(version.path("name").asText())) {
              return Optional.of(new SandboxRuntimeCrd(version.at("/schema/openAPIV3Schema")));
            }
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    return Optional.empty();
  }

  static List<Path> yamlFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Set<ValidationMessage> validate(JsonNode object) {
    return schema.validate(object);
  }

  /**
   * Fields of {@code object} that the schema does not declare. The API server would silently prune them, so a
   * chart value that lands in one would be lost without an error.
   */
  List<String> undeclaredFields(JsonNode object) {
    List<String> out = new ArrayList<>();
    walk("", object.path("spec"), openApiSchema.at("/properties/spec"), out);
    return out;
  }

  private static void walk(String path, JsonNode value, JsonNode schema, List<String> out) {
    if (schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
      return;
    }
    if (value.isObject()) {
      JsonNode props = schema.path("properties");
      JsonNode additional = schema.path("additionalProperties");
      for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        String p = path + "/" + f.getKey();
        if (props.has(f.getKey())) {
          walk(p, f.getValue(), props.get(f.getKey()), out);
        } else if (additional.isObject()) {
          walk(p, f.getValue(), additional, out);
        } else if (!additional.asBoolean(false)) {
          out.add("spec" + p);
        }
      }
    } else if (value.isArray()) {
      int i = 0;
      for (JsonNode item : value) {
        walk(path + "/" + i++, item, schema.path("items"), out);
      }
    }
  }
}
