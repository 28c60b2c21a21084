package dev.jvisor.e2e.localnode;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.config.OperatorSettings;
import dev.jvisor.operator.reconciler.OperatorMetrics;
import dev.jvisor.operator.reconciler.SandboxRuntimeReconciler;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The cluster's control plane as far as this machine allows: fabric8's mock API server in CRUD mode (no real API
 * server can run here; it does not validate against the CRD schema, which ChartCrdTest covers) with the operator's
 * real reconciler registered on a java-operator-sdk Operator, as the Quarkus operator does at start-up.
 */
final class ControlPlane implements AutoCloseable {

  static final String NAMESPACE = "jvisor-system";
  static final Duration CACHE_SYNC_TIMEOUT = Duration.ofSeconds(30);
  static final ResourceDefinitionContext SANDBOX_RUNTIMES = new ResourceDefinitionContext.Builder()
      .withGroup("jvisor.dev").withVersion("v1alpha1").withKind("SandboxRuntime").withPlural("sandboxruntimes")
      .withNamespaced(false).build();

  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final Operator operator;

  private ControlPlane(KubernetesMockServer server, KubernetesClient client, Operator operator) {
    this.server = server;
    this.client = client;
    this.operator = operator;
  }

  /** Starts the mock API server and the operator; {@code agentImage} is what the chart passes as the default. */
  static ControlPlane start(String agentImage) {
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
        new KubernetesCrudDispatcher(List.of(CustomResourceDefinitionContext.fromCustomResourceType(
            SandboxRuntime.class))), false);
    server.init();
    KubernetesClient client = server.createClient();
    OperatorSettings defaults = OperatorSettings.of(NAMESPACE, "local");
    OperatorSettings settings = new OperatorSettings(NAMESPACE, agentImage, defaults.uninstallTimeout(),
        defaults.uninstallPollInterval(), defaults.conflictRecheckInterval(), defaults.eventNamespace());
    Operator operator = new Operator(o -> o.withKubernetesClient(client)
        // The mock server rejects server-side apply (HTTP 415); the real operator uses it.
        .withUseSSAToPatchPrimaryResource(false)
        .withSSABasedCreateUpdateMatchForDependentResources(false)
        .checkingCRDAndValidateLocalModel(false)
        .withCloseClientOnStop(false)
        .withCacheSyncTimeout(CACHE_SYNC_TIMEOUT));
    operator.register(new SandboxRuntimeReconciler(settings, new OperatorMetrics(new SimpleMeterRegistry())));
    operator.start();
    return new ControlPlane(server, client, operator);
  }

  /** The API server URL a separate process (the node-agent) can use. */
  String url() {
    return client.getConfiguration().getMasterUrl();
  }

  KubernetesClient client() {
    return client;
  }

  Node registerNode(String name) {
    Map<String, String> labels = Map.of("kubernetes.io/os", "linux", "kubernetes.io/hostname", name);
    return client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(labels)
        .endMetadata().build()).create();
  }

  /**
   * Creates a SandboxRuntime from its YAML/JSON. It goes through the operator's API class, whose field defaults are
   * the CRD's (the CRD is generated from it): that stands in for the API server's defaulting, which the mock server
   * does not do. (Stored undefaulted, the operator's status patches make the mock server hang.)
   */
  void apply(String sandboxRuntime) {
    SandboxRuntime typed = Serialization.unmarshal(sandboxRuntime, SandboxRuntime.class);
    client.resources(SandboxRuntime.class).resource(typed).create();
  }

  GenericKubernetesResource sandboxRuntime(String name) {
    return client.genericKubernetesResources(SANDBOX_RUNTIMES).withName(name).get();
  }

  void deleteSandboxRuntime(String name) {
    client.genericKubernetesResources(SANDBOX_RUNTIMES).withName(name).delete();
  }

  RuntimeClass runtimeClass(String name) {
    return client.resources(RuntimeClass.class).withName(name).get();
  }

  DaemonSet daemonSet(String name) {
    return client.apps().daemonSets().inNamespace(NAMESPACE).withName(name).get();
  }

  ConfigMap configMap(String name) {
    return client.configMaps().inNamespace(NAMESPACE).withName(name).get();
  }

  Map<String, String> nodeLabels(String node) {
    Node n = client.nodes().withName(node).get();
    return n == null || n.getMetadata().getLabels() == null ? Map.of() : n.getMetadata().getLabels();
  }

  Map<String, String> nodeAnnotations(String node) {
    Node n = client.nodes().withName(node).get();
    return n == null || n.getMetadata().getAnnotations() == null ? Map.of() : n.getMetadata().getAnnotations();
  }

  /** status.conditions[type=Ready].status of a SandboxRuntime, or "absent". */
  String readyCondition(String name) {
    GenericKubernetesResource r = sandboxRuntime(name);
    if (r == null) {
      return "no SandboxRuntime " + name;
    }
    if (!(r.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
      return "no status yet (object: " + r.getAdditionalProperties().keySet() + ")";
    }
    if (status.get("conditions") instanceof List<?> conditions) {
      for (Object c : conditions) {
        if (c instanceof Map<?, ?> m && "Ready".equals(m.get("type"))) {
          return m.get("status") + " (" + m.get("reason") + ": " + m.get("message") + ")";
        }
      }
    }
    return "no Ready condition";
  }

  @Override
  public void close() {
    try {
      operator.stop();
    } finally {
      client.close();
      server.destroy();
    }
  }
}
