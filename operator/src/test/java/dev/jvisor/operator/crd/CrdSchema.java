package dev.jvisor.operator.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates objects against the committed CRD as the API server would, as far as a library can: the OpenAPI schema
 * through a JSON-schema validator (unknown fields rejected, as kubectl's strict field validation does), then every
 * x-kubernetes-validations CEL rule through Google's CEL for Java. Transition rules (oldSelf) run only when an old
 * object is given.
 */
final class CrdSchema {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String CEL_KEY = "x-kubernetes-validations";

    private final JsonNode openApi;
    private final JsonSchema jsonSchema;
    private final Cel cel = CelFactory.standardCelBuilder()
            .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
            .addVar("self", SimpleType.DYN).addVar("oldSelf", SimpleType.DYN).build();

    CrdSchema(Path crd) throws IOException {
        JsonNode root = YAML.readTree(crd.toFile());
        openApi = root.at("/spec/versions/0/schema/openAPIV3Schema");
        ObjectNode converted = toJsonSchema(openApi.deepCopy());
        ObjectNode props = (ObjectNode) converted.get("properties");
        props.putObject("apiVersion").put("type", "string").put("const", "jvisor.dev/v1alpha1");
        props.putObject("kind").put("type", "string").put("const", "SandboxRuntime");
        props.putObject("metadata").put("type", "object");
        converted.putArray("required").add("apiVersion").add("kind").add("metadata");
        jsonSchema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(converted);
    }

    /** Every problem with {@code object}, each naming the field; empty when the API server would accept it. */
    List<String> violations(JsonNode input, JsonNode old) {
        // The API server defaults an object before it validates it; so do we.
        JsonNode object = input.deepCopy();
        applyDefaults(openApi, object);
        List<String> problems = new ArrayList<>();
        for (ValidationMessage m : jsonSchema.validate(object)) {
            problems.add(m.getMessage());
        }
        if (problems.isEmpty()) {
            celViolations(openApi, object, old, "", problems);
        }
        return problems;
    }

    List<String> violations(JsonNode object) {
        return violations(object, null);
    }

    /** Structural-schema defaulting: absent properties with a default get it, recursively, top-down. */
    static void applyDefaults(JsonNode schema, JsonNode value) {
        if (value instanceof ObjectNode object && schema.has("properties")) {
            schema.get("properties").fields().forEachRemaining(p -> {
                if (!object.has(p.getKey()) && p.getValue().has("default")) {
                    object.set(p.getKey(), p.getValue().get("default").deepCopy());
                }
                if (object.has(p.getKey())) {
                    applyDefaults(p.getValue(), object.get(p.getKey()));
                }
            });
        }
        if (value instanceof ArrayNode array && schema.has("items")) {
            array.forEach(item -> applyDefaults(schema.get("items"), item));
        }
    }

    /** OpenAPI v3 as Kubernetes uses it -> JSON Schema draft 7: drop x-kubernetes-*, close objects. */
    private static ObjectNode toJsonSchema(ObjectNode schema) {
        boolean intOrString = schema.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean preserve = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        schema.remove(List.of("x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", CEL_KEY,
                "x-kubernetes-list-type", "x-kubernetes-list-map-keys", "x-kubernetes-map-type", "default"));
        if (intOrString && !schema.has("anyOf")) {
            ArrayNode anyOf = schema.putArray("anyOf");
            anyOf.addObject().put("type", "integer");
            anyOf.addObject().put("type", "string");
        }
        if (schema.has("properties")) {
            Iterator<Map.Entry<String, JsonNode>> it = schema.get("properties").fields();
            while (it.hasNext()) {
                toJsonSchema((ObjectNode) it.next().getValue());
            }
            if (!preserve && !schema.has("additionalProperties")) {
                schema.put("additionalProperties", false);
            }
        }
        if (schema.get("additionalProperties") instanceof ObjectNode ap) {
            toJsonSchema(ap);
        }
        if (schema.get("items") instanceof ObjectNode items) {
            toJsonSchema(items);
        }
        return schema;
    }

    private void celViolations(JsonNode schema, JsonNode value, JsonNode old, String path, List<String> problems) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return;
        }
        for (JsonNode rule : schema.path(CEL_KEY)) {
            String expression = rule.get("rule").asText();
            boolean transition = expression.contains("oldSelf");
            if (transition && (old == null || old.isMissingNode())) {
                continue; // transition rules apply to updates only
            }
            Map<String, Object> vars = new LinkedHashMap<>();
            vars.put("self", toCel(value));
            if (transition) {
                vars.put("oldSelf", toCel(old));
            }
            try {
                Object ok = cel.createProgram(cel.compile(expression).getAst()).eval(vars);
                if (!Boolean.TRUE.equals(ok)) {
                    problems.add((path.isEmpty() ? "<root>" : path) + ": " + rule.path("message").asText(expression));
                }
            } catch (Exception e) {
                problems.add(path + ": rule " + expression + " failed to evaluate: " + e.getMessage());
            }
        }
        if (schema.has("properties") && value.isObject()) {
            schema.get("properties").fields().forEachRemaining(p -> celViolations(p.getValue(),
                    value.get(p.getKey()), old == null ? null : old.get(p.getKey()),
                    (path.isEmpty() ? "" : path + ".") + p.getKey(), problems));
        }
        if (schema.has("items") && value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                celViolations(schema.get("items"), value.get(i), null, path + "[" + i + "]", problems);
            }
        }
    }

    /** JSON -> the Java values CEL understands: Long for integers, Map/List for objects/arrays. */
    private static Object toCel(JsonNode node) {
        if (node == null || node.isNull()) {
            return JsonNodeFactory.instance.nullNode();
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            node.fields().forEachRemaining(e -> map.put(e.getKey(), toCel(e.getValue())));
            return map;
        }
        if (node.isArray()) {
            List<Object> list = new ArrayList<>();
            node.forEach(n -> list.add(toCel(n)));
            return list;
        }
        if (node.isIntegralNumber()) {
            return node.asLong();
        }
        if (node.isNumber()) {
            return node.asDouble();
        }
        if (node.isBoolean()) {
            return node.asBoolean();
        }
        return node.asText();
    }
}
