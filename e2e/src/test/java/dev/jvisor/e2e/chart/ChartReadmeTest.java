package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The chart README's values table lists every value in values.yaml, and nothing that is not there. */
class ChartReadmeTest {

  /** A table row starting with a value's dotted path in backquotes. */
  private static final Pattern ROW = Pattern.compile("^\\| `([A-Za-z0-9_.]+)` \\|", Pattern.MULTILINE);

  @Test
  void readmeDocumentsExactlyTheValuesOfValuesYaml() throws IOException {
    JsonNode values = new YAMLMapper().readTree(RenderedChart.chartDir().resolve("values.yaml").toFile());
    Set<String> keys = new TreeSet<>();
    collectLeaves("", values, keys);

    String readme = Files.readString(RenderedChart.chartDir().resolve("README.md"));
    Set<String> documented = new TreeSet<>();
    Matcher m = ROW.matcher(readme);
    while (m.find()) {
      documented.add(m.group(1));
    }

    assertThat(keys).as("values.yaml leaves").hasSizeGreaterThan(30);
    assertThat(documented).as("values in README.md's table").containsExactlyInAnyOrderElementsOf(keys);
  }

  /** Leaves are scalars, lists and empty maps (a map value like nodeSelector: {} is one value, not a section). */
  private static void collectLeaves(String prefix, JsonNode node, Set<String> out) {
    if (!node.isObject() || node.isEmpty() || isFreeFormMap(prefix)) {
      out.add(prefix);
      return;
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      collectLeaves(prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey(), field.getValue(), out);
    }
  }

  /** Maps whose keys are the user's own (resource names, label keys), documented as one value. */
  private static boolean isFreeFormMap(String path) {
    return path.endsWith(".resources") || path.endsWith("nodeSelector") || path.endsWith("Labels")
        || path.endsWith("Annotations") || path.endsWith(".labels") || path.endsWith(".annotations");
  }
}
