package dev.jvisor.nodeagent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.kube.KubernetesNodeReporter;
import dev.jvisor.nodeagent.restart.RestartStrategy;
import dev.jvisor.nodeagent.testing.HostTree;
import dev.jvisor.nodeagent.testing.TestDistribution;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The DaemonSet loop against fabric8's mock API server, on a directory tree (--restart-mode none). */
@EnableKubernetesMockClient(crud = true)
class SupervisorTest {
  static final String NODE = "worker-1";
  static final String LABEL = "jvisor.dev/gvisor";
  static final Duration POLL = Duration.ofMillis(100);
  static final Duration WAIT = Duration.ofSeconds(20);
  KubernetesClient client;
  @TempDir Path root;
  @TempDir Path distDir;
  HostTree host;
  CountDownLatch stop = new CountDownLatch(1);
  Thread loop;

  @BeforeEach
  void startLoop() {
    client.nodes().resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build()).create();
    host = new HostTree(root);
    host.write("/etc/containerd/config.toml", HostTree.containerdDefaultConfig());
    AgentSettings settings = new AgentSettings(root, TestDistribution.create(distDir.resolve("d"), "1.0.0"),
        "jvisor", Distribution.CONTAINERD, null, null, null, null, null, RestartStrategy.none(),
        Duration.ofSeconds(5), Duration.ofSeconds(5), socket -> {
          throw new AssertionError("no containerd in this test");
        });
    Supervisor supervisor = new Supervisor(settings, new KubernetesNodeReporter(client, NODE, "gvisor"),
        message -> { }, POLL, Duration.ofSeconds(1));
    loop = new Thread(() -> {
      try {
        supervisor.run(stop);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    loop.start();
  }

  @AfterEach
  void stopLoop() throws InterruptedException {
    stop.countDown();
    loop.join(WAIT.toMillis());
    assertThat(loop.isAlive()).isFalse();
  }

  Node node() {
    return client.nodes().withName(NODE).get();
  }

  String label() {
    var labels = node().getMetadata().getLabels();
    return labels == null ? null : labels.get(LABEL);
  }

  void await(String what, BooleanSupplier condition) throws InterruptedException {
    long end = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(end);
      Thread.sleep(50);
    }
  }

  // Patches without resourceVersion, like the operator and the kubelet: the agent loop writes concurrently.
  void requestUninstall() {
    client.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"jvisor.dev/gvisor.uninstall\":\"true\"}}}");
  }

  @Test
  void installsLabelsAndPutsADroppedLabelBack() throws Exception {
    await("ready label", () -> "ready".equals(label()));
    assertThat(host.path("/opt/jvisor/current")).exists();
    client.nodes().withName(NODE).patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"remove\",\"path\":\"/metadata/labels/jvisor.dev~1gvisor\"}]");
    await("label re-applied", () -> "ready".equals(label()));
  }

  @Test
  void uninstallsWhenTheOperatorAsks() throws Exception {
    await("ready label", () -> "ready".equals(label()));
    requestUninstall();
    await("label removed", () -> label() == null);
    await("artifacts removed", () -> !host.path("/opt/jvisor").toFile().exists());
    assertThat(host.read("/etc/containerd/config.toml")).isEqualTo(HostTree.containerdDefaultConfig());
  }

  @Test
  void aStopWithoutUninstallRequestLeavesTheNodeInstalled() throws Exception {
    await("ready label", () -> "ready".equals(label()));
    stop.countDown();
    loop.join(TimeUnit.SECONDS.toMillis(20));
    assertThat(label()).isEqualTo("ready");
    assertThat(host.path("/opt/jvisor/current")).exists();
  }
}
