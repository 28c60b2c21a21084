package dev.jvisor.nodeagent.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.lifecycle.AgentSettings;
import dev.jvisor.nodeagent.lifecycle.Installer;
import dev.jvisor.nodeagent.lifecycle.Uninstaller;
import dev.jvisor.nodeagent.restart.RestartStrategy;
import dev.jvisor.nodeagent.testing.HostTree;
import dev.jvisor.nodeagent.testing.TestDistribution;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels and annotations on the Node, against fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class KubernetesNodeReporterTest {
  static final String NODE = "worker-1";
  static final String RUNTIME = "gvisor";
  static final ObjectMapper JSON = new ObjectMapper();
  KubernetesClient client;

  @BeforeEach
  void createNode() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE)
        .addToLabels("kubernetes.io/hostname", NODE).endMetadata().build()).create();
  }

  Node node() {
    return client.nodes().withName(NODE).get();
  }

  @Test
  void setsAndRemovesTheReadyLabelWithoutTouchingOtherLabels() {
    client.nodes().withName(NODE).edit(n -> new NodeBuilder(n).editMetadata()
        .addToAnnotations("other.dev/keep", "yes").endMetadata().build());
    KubernetesNodeReporter reporter = new KubernetesNodeReporter(client, NODE, RUNTIME);
    reporter.setLabel(NodeReporter.READY);
    assertThat(reporter.label()).isEqualTo("ready");
    assertThat(node().getMetadata().getLabels()).containsEntry("jvisor.dev/gvisor", "ready");
    reporter.setLabel(NodeReporter.NOT_READY);
    assertThat(node().getMetadata().getLabels()).doesNotContainKey("jvisor.dev/gvisor")
        .containsEntry("kubernetes.io/hostname", NODE);
    assertThat(node().getMetadata().getAnnotations()).containsEntry("other.dev/keep", "yes");
  }

  @Test
  void writesTheStatusAnnotationAsJson() throws Exception {
    new KubernetesNodeReporter(client, NODE, RUNTIME)
        .report(NodeStatus.of(Phase.Failed, "no /dev/kvm", "0.1.0", "1.6.20"));
    JsonNode status = JSON.readTree(node().getMetadata().getAnnotations().get("jvisor.dev/gvisor.status"));
    assertThat(status.get("phase").asText()).isEqualTo("Failed");
    assertThat(status.get("message").asText()).isEqualTo("no /dev/kvm");
    assertThat(status.get("runtimeVersion").asText()).isEqualTo("0.1.0");
    assertThat(status.get("containerdVersion").asText()).isEqualTo("1.6.20");
    assertThat(status.get("since").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void readsTheOperatorsUninstallRequest() {
    KubernetesNodeReporter reporter = new KubernetesNodeReporter(client, NODE, RUNTIME);
    assertThat(reporter.uninstallRequested()).isFalse();
    client.nodes().withName(NODE).edit(n -> new NodeBuilder(n).editMetadata()
        .addToAnnotations("jvisor.dev/gvisor.uninstall", "true").endMetadata().build());
    assertThat(reporter.uninstallRequested()).isTrue();
  }

  @Test
  void aMissingNodeOrNodeNameIsAClearError() {
    assertThatThrownBy(() -> new KubernetesNodeReporter(client, "", RUNTIME).label())
        .isInstanceOf(AgentException.class).hasMessageContaining("NODE_NAME");
    assertThatThrownBy(() -> new KubernetesNodeReporter(client, "ghost", RUNTIME).label())
        .isInstanceOf(AgentException.class).hasMessageContaining("ghost does not exist");
    assertThatThrownBy(() -> new KubernetesNodeReporter(client, "ghost", RUNTIME).setLabel("ready"))
        .isInstanceOf(AgentException.class).hasMessageContaining("ghost");
  }

  @Test
  void installAndUninstallLeaveTheRightNodeStateBehind(@TempDir Path root, @TempDir Path distDir)
      throws Exception {
    HostTree host = new HostTree(root);
    host.write("/etc/containerd/config.toml", HostTree.containerdDefaultConfig());
    AgentSettings settings = new AgentSettings(root, TestDistribution.create(distDir.resolve("d"), "0.9.0"),
        "jvisor", Distribution.CONTAINERD, null, null, null, null, null, RestartStrategy.none(),
        Duration.ofSeconds(5), Duration.ofSeconds(5), socket -> {
          throw new AssertionError("no containerd in this test");
        });
    KubernetesNodeReporter reporter = new KubernetesNodeReporter(client, NODE, RUNTIME);

    new Installer(settings, reporter, message -> { }).install();
    assertThat(node().getMetadata().getLabels()).containsEntry("jvisor.dev/gvisor", "ready");
    assertThat(JSON.readTree(node().getMetadata().getAnnotations().get("jvisor.dev/gvisor.status"))
        .get("phase").asText()).isEqualTo("Ready");

    new Uninstaller(settings, reporter, message -> { }).uninstall();
    assertThat(node().getMetadata().getLabels()).doesNotContainKey("jvisor.dev/gvisor");
    assertThat(JSON.readTree(node().getMetadata().getAnnotations().get("jvisor.dev/gvisor.status"))
        .get("phase").asText()).isEqualTo("Uninstalled");
  }
}
