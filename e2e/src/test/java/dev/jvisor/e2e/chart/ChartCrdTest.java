package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The chart's crds/ is the operator's generated CRDs, and the SandboxRuntime the chart renders fits them. */
class ChartCrdTest {

  @Test
  void chartCrdsAreByteForByteTheRepositorysGeneratedCrds() throws IOException {
    Path repo = RenderedChart.repoCrdsDir();
    Path chart = RenderedChart.chartDir().resolve("crds");
    String fix = "the chart's CRDs are stale: run `cp crds/*.yml helm/jvisor/crds/` from the repository root";

    assertThat(SandboxRuntimeCrd.yamlFiles(chart)).extracting(p -> p.getFileName().toString()).as(fix)
        .containsExactlyElementsOf(SandboxRuntimeCrd.yamlFiles(repo).stream()
            .map(p -> p.getFileName().toString()).toList());
    for (Path source : SandboxRuntimeCrd.yamlFiles(repo)) {
      assertThat(Files.readString(chart.resolve(source.getFileName()))).as(fix + " (%s)", source.getFileName())
          .isEqualTo(Files.readString(source));
    }
  }

  @Test
  void defaultSandboxRuntimeIsValidAgainstTheGeneratedCrdAndLosesNoField() {
    SandboxRuntimeCrd crd = crd();
    JsonNode runtime = RenderedChart.renderDefaults().tree("SandboxRuntime", "gvisor");

    assertThat(crd.validate(runtime)).as("schema errors").isEmpty();
    assertThat(crd.undeclaredFields(runtime)).as("fields the API server would prune").isEmpty();
  }

  @Test
  void customSandboxRuntimeIsValidAgainstTheGeneratedCrdAndLosesNoField() throws URISyntaxException {
    SandboxRuntimeCrd crd = crd();
    Path values = Path.of(getClass().getResource("/values-custom.yaml").toURI());
    JsonNode runtime = RenderedChart.render(values, Map.of()).tree("SandboxRuntime", "sandboxed");

    assertThat(crd.validate(runtime)).as("schema errors").isEmpty();
    assertThat(crd.undeclaredFields(runtime)).as("fields the API server would prune").isEmpty();
  }

  @Test
  void theCrdSchemaRejectsAWronglyTypedRuntimeClassName() {
    SandboxRuntimeCrd crd = crd();
    ObjectNode runtime = RenderedChart.renderDefaults().tree("SandboxRuntime", "gvisor").deepCopy();
    ((ObjectNode) runtime.get("spec")).putArray("runtimeClassName").add("gvisor");

    assertThat(crd.validate(runtime)).as("a list where a name belongs").isNotEmpty();
  }

  /** The generated CRD, or a recorded skip while the operator has not generated it yet. */
  private static SandboxRuntimeCrd crd() {
    Optional<SandboxRuntimeCrd> crd = SandboxRuntimeCrd.find(RenderedChart.chartDir().resolve("crds"));
    assumeTrue(crd.isPresent(), "no SandboxRuntime CRD in helm/jvisor/crds yet: the operator generates it into crds/");
    return crd.get();
  }
}
