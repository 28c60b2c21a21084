package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** values.schema.json makes bad values fail at install time with a message naming the value. */
class ChartValuesSchemaTest {

  @ParameterizedTest(name = "{0}={1} is rejected")
  @CsvSource(delimiter = '|', textBlock = """
      operator.replicas                          | 0          | at '/operator/replicas'
      operator.logLevel                          | LOUD       | at '/operator/logLevel'
      operator.httpPort                          | 80         | at '/operator/httpPort'
      image.pullPolicy                           | Sometimes  | at '/image/pullPolicy'
      operator.image.digest                      | sha256:xyz | at '/operator/image/digest'
      defaultRuntime.handler                     | Bad_Name   | at '/defaultRuntime/handler'
      defaultRuntime.runtimeClassName            | -gvisor    | at '/defaultRuntime/runtimeClassName'
      defaultRuntime.containerd.distribution     | docker     | at '/defaultRuntime/containerd/distribution'
      defaultRuntime.containerd.restartMode      | sighup     | at '/defaultRuntime/containerd/restartMode'
      defaultRuntime.containerd.configPath       | etc/x.toml | at '/defaultRuntime/containerd/configPath'
      defaultRuntime.sandbox.kernelRelease       | four       | at '/defaultRuntime/sandbox/kernelRelease'
      defaultRuntime.updateStrategy.maxUnavailable | 0        | at '/defaultRuntime/updateStrategy/maxUnavailable'
      metrics.serviceMonitor.interval            | often      | at '/metrics/serviceMonitor/interval'
      operater.replicas                          | 2          | additional properties 'operater' not allowed
      """)
  void badValueFailsNamingTheValue(String key, String value, String named) {
    Object typed = value.matches("-?\\d+") ? Integer.valueOf(value) : value;

    assertThatThrownBy(() -> RenderedChart.render(null, Map.of(key, typed)))
        .hasMessageContaining("values don't meet the specifications of the schema")
        .hasMessageContaining(named);
  }
}
