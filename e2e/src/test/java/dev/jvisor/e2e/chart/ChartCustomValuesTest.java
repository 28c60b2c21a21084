package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code helm template -f values-custom.yaml}: every section of the values reaches the objects. */
class ChartCustomValuesTest {

  private static RenderedChart chart;

  @BeforeAll
  static void render() throws URISyntaxException {
    Path values = Path.of(ChartCustomValuesTest.class.getResource("/values-custom.yaml").toURI());
    chart = RenderedChart.render(values, Map.of());
  }

  @Test
  void imagesUseTheCustomRegistryTagAndDigest() {
    assertThat(container().getImage()).isEqualTo("registry.example.com:5000/sandbox/jvisor-operator:1.2.3");
    assertThat(container().getImagePullPolicy()).isEqualTo("Always");
    String agent = "registry.example.com:5000/sandbox/jvisor-node-agent@sha256:"
        + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    assertThat(chart.tree("SandboxRuntime", "sandboxed").at("/spec/agent/image").asText()).isEqualTo(agent);
    assertThat(env()).containsEntry("JVISOR_OPERATOR_AGENT_IMAGE", agent);
    assertThat(deployment().getSpec().getTemplate().getSpec().getImagePullSecrets())
        .extracting(LocalObjectReference::getName).containsExactly("regcred");
  }

  @Test
  void threeReplicasRollOutOneByOneBehindTheLeaseAndCustomEnvArrives() {
    assertThat(deployment().getSpec().getReplicas()).isEqualTo(3);
    assertThat(deployment().getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(env()).containsEntry("JVISOR_OPERATOR_LEASE_NAME", "sbx-leader")
        .containsEntry("JVISOR_OPERATOR_UNINSTALL_TIMEOUT", "90s")
        .containsEntry("QUARKUS_LOG_LEVEL", "DEBUG")
        .containsEntry("JVISOR_UNINSTALL_TIMEOUT", "5m");
  }

  @Test
  void schedulingValuesReachTheOperatorPod() {
    var pod = deployment().getSpec().getTemplate().getSpec();
    assertThat(pod.getPriorityClassName()).isEqualTo("system-cluster-critical");
    assertThat(pod.getTolerations()).singleElement()
        .satisfies(t -> assertThat(t.getKey()).isEqualTo("node-role.kubernetes.io/control-plane"));
  }

  @Test
  void fullnameOverrideNamesEveryObject() {
    assertThat(chart.kindsAndNames()).contains("Deployment/sbx-operator", "ClusterRole/sbx-operator", "Role/sbx-operator",
        "ServiceAccount/sbx-operator", "ServiceMonitor/sbx-operator", "SandboxRuntime/sandboxed");
    assertThat(chart.one(ClusterRoleBinding.class, "sbx-operator").getSubjects().get(0).getName())
        .isEqualTo("sbx-operator");
  }

  @Test
  void customSandboxRuntimeCarriesEveryChangedField() {
    JsonNode spec = chart.tree("SandboxRuntime", "sandboxed").path("spec");
    assertThat(spec.path("runtimeClassName").asText()).isEqualTo("sandboxed");
    assertThat(spec.path("handler").asText()).isEqualTo("jvisor-debug");
    assertThat(spec.at("/nodeSelector/sandbox.example.com~1kvm").asText()).isEqualTo("true");
    assertThat(spec.at("/containerd/distribution").asText()).isEqualTo("k3s");
    assertThat(spec.at("/containerd/restartMode").asText()).isEqualTo("none");
    assertThat(spec.at("/sandbox/kernelRelease").asText()).isEqualTo("5.10.0");
    assertThat(spec.at("/sandbox/debug").asBoolean()).isTrue();
    assertThat(spec.at("/sandbox/memoryOverhead").asText()).isEqualTo("96Mi");
    assertThat(spec.at("/overhead/cpu").asText()).isEqualTo("250m");
    assertThat(spec.at("/overhead/memory").asText()).isEqualTo("160Mi");
    assertThat(spec.at("/updateStrategy/maxUnavailable").asText()).isEqualTo("25%");
    assertThat(chart.tree("SandboxRuntime", "sandboxed").at("/metadata/annotations").isMissingNode())
        .as("keepOnUninstall=false drops the keep policy").isTrue();
  }

  @Test
  void serviceMonitorScrapesTheQuarkusMetricsEndpointOfTheOperatorService() {
    JsonNode monitor = chart.tree("ServiceMonitor", "sbx-operator");
    assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
    assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
    assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http");
    assertThat(monitor.at("/spec/endpoints/0/interval").asText()).isEqualTo("15s");
    assertThat(monitor.at("/spec/selector/matchLabels/app.kubernetes.io~1component").asText()).isEqualTo("operator");
  }

  @Test
  void disablingTheDefaultRuntimeLeavesOnlyTheOperator() {
    RenderedChart bare = RenderedChart.render(null, Map.of("defaultRuntime.enabled", false));
    assertThat(bare.trees("SandboxRuntime")).isEmpty();
    assertThat(bare.kindsAndNames()).contains("Deployment/jvisor-operator");
  }

  private static Deployment deployment() {
    return chart.one(Deployment.class, "sbx-operator");
  }

  private static Container container() {
    return deployment().getSpec().getTemplate().getSpec().getContainers().get(0);
  }

  private static Map<String, String> env() {
    return container().getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
