package dev.jvisor.e2e.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code helm template} with the chart's own values: what a plain {@code helm install} creates. */
class ChartDefaultsTest {

  private static final String OPERATOR = "jvisor-operator";
  private static RenderedChart chart;

  @BeforeAll
  static void render() {
    chart = RenderedChart.renderDefaults();
  }

  @Test
  void rendersExactlyTheOperatorItsAccessAndTheDefaultRuntime() {
    assertThat(chart.kindsAndNames()).containsExactly(
        "ClusterRole/jvisor-operator",
        "ClusterRoleBinding/jvisor-operator",
        "Deployment/jvisor-operator",
        "Role/jvisor-operator",
        "RoleBinding/jvisor-operator",
        "SandboxRuntime/gvisor",
        "Service/jvisor-operator",
        "ServiceAccount/jvisor-operator");
  }

  @Test
  void imagesDefaultToTheChartAppVersionInTheDefaultRegistry() {
    String tag = RenderedChart.appVersion();
    assertThat(operatorContainer().getImage()).isEqualTo("ghcr.io/jvisor/jvisor-operator:" + tag);
    JsonNode runtime = chart.tree("SandboxRuntime", "gvisor");
    assertThat(runtime.at("/spec/agent/image").asText()).isEqualTo("ghcr.io/jvisor/jvisor-node-agent:" + tag);
    assertThat(env().get("JVISOR_OPERATOR_AGENT_IMAGE")).isEqualTo("ghcr.io/jvisor/jvisor-node-agent:" + tag);
  }

  @Test
  void operatorRunsAsNonRootOnAReadOnlyRootFilesystemWithNoCapabilities() {
    PodSpec pod = operatorPod();
    assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
    assertThat(pod.getSecurityContext().getRunAsUser()).isPositive();
    assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
    var container = operatorContainer().getSecurityContext();
    assertThat(container.getReadOnlyRootFilesystem()).isTrue();
    assertThat(container.getAllowPrivilegeEscalation()).isFalse();
    assertThat(container.getPrivileged()).isNotEqualTo(Boolean.TRUE);
    assertThat(container.getCapabilities().getDrop()).containsExactly("ALL");
    assertThat(pod.getHostPID()).isNotEqualTo(Boolean.TRUE);
    assertThat(pod.getHostNetwork()).isNotEqualTo(Boolean.TRUE);
    // The only writable place is a size-limited /tmp for Quarkus' and the JVM's scratch files.
    assertThat(pod.getVolumes()).singleElement().satisfies(v -> {
      assertThat(v.getEmptyDir()).isNotNull();
      assertThat(v.getHostPath()).isNull();
    });
    assertThat(operatorContainer().getVolumeMounts()).singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
  }

  @Test
  void probesUseTheQuarkusHealthEndpointsOnTheNamedHttpPort() {
    Container c = operatorContainer();
    assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
    assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
    assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("http");
    assertThat(c.getPorts()).singleElement().satisfies(p -> {
      assertThat(p.getName()).isEqualTo("http");
      assertThat(p.getContainerPort()).isEqualTo(8080);
    });
  }

  @Test
  void operatorHasResourceRequestsAndAMemoryLimit() {
    var resources = operatorContainer().getResources();
    assertThat(resources.getRequests()).containsKeys("cpu", "memory");
    assertThat(resources.getLimits()).containsKey("memory");
  }

  @Test
  void oneReplicaRollsOutWithRecreateAndTheOperatorGetsItsNamespaceLeaseAndTimeouts() {
    Deployment deployment = chart.one(Deployment.class, OPERATOR);
    assertThat(deployment.getSpec().getReplicas()).isEqualTo(1);
    assertThat(deployment.getSpec().getStrategy().getType()).isEqualTo("Recreate");
    assertThat(env()).containsEntry("JVISOR_OPERATOR_LEASE_NAME", "jvisor-operator-leader")
        .containsEntry("JVISOR_OPERATOR_UNINSTALL_TIMEOUT", "5m");
    EnvVar namespace = operatorContainer().getEnv().stream().filter(e -> e.getName().equals("POD_NAMESPACE"))
        .findFirst().orElseThrow();
    assertThat(namespace.getValueFrom().getFieldRef().getFieldPath()).isEqualTo("metadata.namespace");
  }

  @Test
  void defaultSandboxRuntimeIsTheSeedsGvisorRuntimeClassWithHandlerJvisorAndSurvivesUninstall() {
    JsonNode runtime = chart.tree("SandboxRuntime", "gvisor");
    assertThat(runtime.path("apiVersion").asText()).isEqualTo("jvisor.dev/v1alpha1");
    assertThat(runtime.at("/metadata/namespace").isMissingNode()).as("SandboxRuntime is cluster-scoped").isTrue();
    assertThat(runtime.at("/spec/runtimeClassName").asText()).isEqualTo("gvisor");
    assertThat(runtime.at("/spec/handler").asText()).isEqualTo("jvisor");
    assertThat(runtime.at("/spec/sandbox/kernelRelease").asText()).isEqualTo("4.4.0");
    assertThat(runtime.at("/spec/containerd/distribution").asText()).isEqualTo("auto");
    assertThat(runtime.at("/metadata/annotations/helm.sh~1resource-policy").asText()).isEqualTo("keep");
  }

  @Test
  void everyBindingNamesAServiceAccountTheChartCreatesInTheReleaseNamespace() {
    List<String> accounts = chart.all(ServiceAccount.class).stream()
        .peek(sa -> assertThat(sa.getMetadata().getNamespace()).isEqualTo(RenderedChart.NAMESPACE))
        .map(sa -> sa.getMetadata().getName()).toList();
    chart.all(ClusterRoleBinding.class).forEach(b -> assertThat(b.getSubjects()).singleElement().satisfies(s -> {
      assertThat(accounts).contains(s.getName());
      assertThat(s.getNamespace()).isEqualTo(RenderedChart.NAMESPACE);
    }));
    chart.all(RoleBinding.class).forEach(b -> assertThat(b.getSubjects()).singleElement()
        .satisfies(s -> assertThat(accounts).contains(s.getName())));
    assertThat(operatorPod().getServiceAccountName()).isEqualTo(OPERATOR);
  }

  @Test
  void nothingInTheChartMountsTheHostOrRunsPrivileged() {
    // Host access belongs to the node-agent DaemonSet, which the operator creates per SandboxRuntime.
    assertThat(chart.all(Deployment.class)).allSatisfy(d -> {
      assertThat(d.getSpec().getTemplate().getSpec().getVolumes()).allMatch(v -> v.getHostPath() == null);
      assertThat(d.getSpec().getTemplate().getSpec().getContainers())
          .allMatch(c -> c.getSecurityContext() == null || !Boolean.TRUE.equals(c.getSecurityContext().getPrivileged()));
    });
    assertThat(chart.trees("DaemonSet")).isEmpty();
  }

  private static PodSpec operatorPod() {
    return chart.one(Deployment.class, OPERATOR).getSpec().getTemplate().getSpec();
  }

  private static Container operatorContainer() {
    List<Container> containers = operatorPod().getContainers();
    assertThat(containers).hasSize(1);
    return containers.get(0);
  }

  private static Map<String, String> env() {
    return operatorContainer().getEnv().stream().filter(e -> e.getValue() != null)
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
  }
}
