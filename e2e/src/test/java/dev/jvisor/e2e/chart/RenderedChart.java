package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The chart rendered by {@code helm template}, each document kept twice: as a fabric8 model object (typed where the
 * kind is a built-in one) and as a Jackson tree (for schema validation and kinds fabric8 does not know).
 */
public final class RenderedChart {

  public static final String RELEASE = "jvisor";
  public static final String NAMESPACE = "jvisor-system";
  /** helm template assumes Kubernetes 1.20 unless told; the chart needs 1.25+ (RuntimeClass overhead, PSA). */
  public static final String KUBE_VERSION = "v1.31.0";
  private static final ObjectMapper YAML = new YAMLMapper();

  private final List<JsonNode> trees;
  private final List<HasMetadata> objects;

  private RenderedChart(List<JsonNode> trees) {
    this.trees = List.copyOf(trees);
    this.objects = trees.stream().map(t -> (HasMetadata) Serialization.unmarshal(t.toString())).toList();
  }

  /** The chart directory; the build passes it in, the fallback works from the e2e module directory. */
  public static Path chartDir() {
    return Path.of(System.getProperty("jvisor.chart.dir", "../helm/jvisor")).toAbsolutePath().normalize();
  }

  /** The repository's generated CRDs (the source the chart's crds/ must copy). */
  public static Path repoCrdsDir() {
    return Path.of(System.getProperty("jvisor.crds.dir", "../crds")).toAbsolutePath().normalize();
  }

  /** Renders with the chart's defaults plus {@code --set} pairs and, if not null, a values file. */
  public static RenderedChart render(Path valuesFile, Map<String, Object> sets) {
    TemplateCommand template = new Helm(chartDir()).template().withName(RELEASE).withNamespace(NAMESPACE)
        .withKubeVersion(KUBE_VERSION);
    if (valuesFile != null) {
      template = template.withValuesFile(valuesFile);
    }
    for (Map.Entry<String, Object> set : sets.entrySet()) {
      template = template.set(set.getKey(), set.getValue());
    }
    return parse(template.call());
  }

  public static RenderedChart renderDefaults() {
    return render(null, Map.of());
  }

  static RenderedChart parse(String manifests) {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(manifests)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && doc.size() > 0) {
          docs.add(doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("helm template produced YAML that does not parse", e);
    }
    return new RenderedChart(docs);
  }

  public List<HasMetadata> objects() {
    return objects;
  }

  /** "Kind/name" of every rendered object, sorted, for whole-set assertions. */
  public List<String> kindsAndNames() {
    return objects.stream().map(o -> o.getKind() + "/" + o.getMetadata().getName()).sorted().toList();
  }

  public <T extends HasMetadata> T one(Class<T> type, String name) {
    List<T> found = all(type).stream().filter(o -> name.equals(o.getMetadata().getName())).toList();
    assertThat(found).as("%s %s in the rendered chart; present: %s", type.getSimpleName(), name, kindsAndNames())
        .hasSize(1);
    return found.get(0);
  }

  public <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).collect(Collectors.toList());
  }

  /** The Jackson tree of the one object of this kind and name (for kinds fabric8 has no model of). */
  public JsonNode tree(String kind, String name) {
    List<JsonNode> found = trees.stream()
        .filter(t -> kind.equals(t.path("kind").asText()) && name.equals(t.path("metadata").path("name").asText()))
        .toList();
    assertThat(found).as("%s/%s in the rendered chart; present: %s", kind, name, kindsAndNames()).hasSize(1);
    return found.get(0);
  }

  public List<JsonNode> trees(String kind) {
    return trees.stream().filter(t -> kind.equals(t.path("kind").asText())).toList();
  }

  /** The chart's appVersion: the default tag of both images. */
  public static String appVersion() {
    try {
      JsonNode chart = YAML.readTree(Files.readString(chartDir().resolve("Chart.yaml")));
      return Objects.requireNonNull(chart.path("appVersion").textValue(), "Chart.yaml has no appVersion");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
