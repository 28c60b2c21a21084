package dev.jvisor.e2e.k3s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.marcnuri.helm.Helm;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import dev.jvisor.e2e.chart.RenderedChart;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * {@code helm install} to a pod printing {@code Linux 4.4.0} on k3s. The steps share one cluster and run in order
 * because each is the precondition of the next (install, ready, pod, uninstall), as a user would do them.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class K3sClusterE2E {

  /** k3s with containerd 1.7 (config version 2, template config.toml.tmpl): the path most clusters take today. */
  static final DockerImageName K3S = DockerImageName.parse("rancher/k3s:v1.31.6-k3s1");
  static final String NAMESPACE = "jvisor-system";
  static final String RUNTIME = "gvisor";
  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(5);
  static final Duration POD_TIMEOUT = Duration.ofMinutes(3);
  static final Duration UNINSTALL_TIMEOUT = Duration.ofMinutes(5);
  static final ResourceDefinitionContext SANDBOX_RUNTIMES = new ResourceDefinitionContext.Builder()
      .withGroup("jvisor.dev").withVersion("v1alpha1").withKind("SandboxRuntime").withPlural("sandboxruntimes")
      .withNamespaced(false).build();

  private static K3sContainer k3s;
  private static KubernetesClient client;
  private static String kubeconfig;

  /** Why this machine cannot run the test, or null when it can; decided once, reported by every test. */
  private static final String CANNOT_RUN = cannotRunReason();

  @BeforeAll
  static void startK3s() throws Exception {
    if (CANNOT_RUN != null) {
      return;
    }
    LocalImages images = LocalImages.fromBuild();

    k3s = new K3sContainer(K3S)
        // The Sentry's guest runs in KVM: the node (this container) needs the device, and k3s needs privileges anyway.
        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withDevices(
            com.github.dockerjava.api.model.Device.parse("/dev/kvm:/dev/kvm:rwm")))
        .withPrivilegedMode(true);
    k3s.start();
    for (Path tar : images.tars()) {
      String inside = "/tmp/" + tar.getFileName();
      k3s.copyFileToContainer(MountableFile.forHostPath(tar), inside);
      exec("ctr", "-n", "k8s.io", "images", "import", inside);
    }
    kubeconfig = k3s.getKubeConfigYaml();
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
  }

  @BeforeEach
  void requireDockerAndKvm() {
    // An assumption per test (not in @BeforeAll) so that each skipped test records the reason in the reports.
    assumeTrue(CANNOT_RUN == null, CANNOT_RUN);
  }

  private static String cannotRunReason() {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      return "no Docker engine reachable (Testcontainers found none), so k3s cannot start here; run it on a "
          + "workstation with Docker and /dev/kvm: docs/install.md 'Running the k3s end-to-end test'";
    }
    Path kvm = Path.of("/dev/kvm");
    if (!Files.isReadable(kvm) || !Files.isWritable(kvm)) {
      return "/dev/kvm is not usable on this Docker host; the sandboxed pod needs it passed through to the k3s node";
    }
    return null;
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (k3s != null) {
      k3s.stop();
    }
  }

  @Test
  @Order(1)
  void helmInstallWithLocalImagesMakesTheSandboxRuntimeReady() throws Exception {
    LocalImages images = LocalImages.fromBuild();
    new Helm(RenderedChart.chartDir()).install().withName("jvisor").withNamespace(NAMESPACE).createNamespace()
        .withKubeConfigContents(kubeconfig)
        .set("image.registry", "")
        .set("image.pullPolicy", "Never")
        .set("operator.image.repository", images.operatorRepository())
        .set("operator.image.tag", images.tag())
        .set("nodeAgent.image.repository", images.nodeAgentRepository())
        .set("nodeAgent.image.tag", images.tag())
        .set("defaultRuntime.containerd.distribution", "k3s")
        // The k3s container has no systemd (k3s is its PID 1): the agent only edits files, K3sNode restarts k3s.
        .set("defaultRuntime.containerd.restartMode", "none")
        .waitReady().withTimeout((int) INSTALL_TIMEOUT.toSeconds())
        .call();

    kubeconfig = K3sNode.restartWhenHandlerWritten(k3s, "jvisor", INSTALL_TIMEOUT);
    client.close();
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    client.genericKubernetesResources(SANDBOX_RUNTIMES).withName(RUNTIME)
        .waitUntilCondition(K3sClusterE2E::isReady, INSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    RuntimeClass runtimeClass = client.resources(RuntimeClass.class).withName("gvisor").get();
    assertThat(runtimeClass.getHandler()).isEqualTo("jvisor");
    assertThat(runtimeClass.getScheduling().getNodeSelector()).containsEntry("jvisor.dev/" + RUNTIME, "ready");
  }

  @Test
  @Order(2)
  void theSeedsPodSeesJvisorsKernelWhileTheNodeRunsItsOwn() throws Exception {
    Pod pod = new PodBuilder().withNewMetadata().withName("sandboxed").withNamespace("default").endMetadata()
        .withNewSpec().withRuntimeClassName("gvisor").withRestartPolicy("Never")
        .addNewContainer().withName("busybox").withImage("busybox:1.36").withCommand("sleep", "3600").endContainer()
        .endSpec().build();
    client.pods().resource(pod).create();
    client.pods().inNamespace("default").withName("sandboxed")
        .waitUntilReady(POD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    assertThat(podExec("uname", "-sr")).isEqualTo("Linux 4.4.0");
    assertThat(podExec("sh", "-c", "dmesg | head -n 1")).contains("Starting jvisor...");
    assertThat(exec("uname", "-sr")).as("the node's own kernel").isNotEqualTo("Linux 4.4.0");

    client.pods().inNamespace("default").withName("sandboxed").withGracePeriod(0).delete();
    client.pods().inNamespace("default").withName("sandboxed")
        .waitUntilCondition(p -> p == null, POD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  @Order(3)
  void deletingTheSandboxRuntimeLeavesTheNodeClean() throws Exception {
    client.genericKubernetesResources(SANDBOX_RUNTIMES).withName(RUNTIME).delete();
    client.genericKubernetesResources(SANDBOX_RUNTIMES).withName(RUNTIME)
        .waitUntilCondition(r -> r == null, UNINSTALL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);

    assertThat(client.resources(RuntimeClass.class).withName("gvisor").get()).isNull();
    Node node = client.nodes().list().getItems().get(0);
    assertThat(node.getMetadata().getLabels()).doesNotContainKey("jvisor.dev/" + RUNTIME);
    assertThat(exec("sh", "-c", "ls /opt/jvisor 2>/dev/null | wc -l")).isEqualTo("0");
    // restartMode none: the agent restores k3s' template; the rendered config follows at k3s' next start.
    assertThat(exec("sh", "-c", "test ! -e " + K3sNode.TEMPLATE + " || grep -c 'runtimes.jvisor' "
        + K3sNode.TEMPLATE + " || true")).isIn("", "0");
    assertThat(exec("sh", "-c", "ls /usr/local/bin | grep -c containerd-shim-jvisor || true")).isEqualTo("0");
  }

  private static boolean isReady(GenericKubernetesResource runtime) {
    if (runtime == null) {
      return false;
    }
    Object status = runtime.getAdditionalProperties().get("status");
    if (!(status instanceof Map<?, ?> s) || !(s.get("conditions") instanceof List<?> conditions)) {
      return false;
    }
    return conditions.stream().anyMatch(c -> c instanceof Map<?, ?> m
        && "Ready".equals(m.get("type")) && "True".equals(m.get("status")));
  }

  /** A command inside the k3s node container; fails on a non-zero exit. */
  static String exec(String... command) throws Exception {
    var result = k3s.execInContainer(command);
    assertThat(result.getExitCode()).as("%s: %s", String.join(" ", command), result.getStderr()).isZero();
    return result.getStdout().strip();
  }

  private static String podExec(String... command) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var watch = client.pods().inNamespace("default").withName("sandboxed").writingOutput(out).exec(command)) {
      Integer code = watch.exitCode().get(POD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      assertThat(code).as("exit code of %s", String.join(" ", command)).isZero();
    } catch (Exception e) {
      throw new AssertionError("kubectl exec " + String.join(" ", command) + " failed", e);
    }
    return out.toString(StandardCharsets.UTF_8).strip();
  }
}
