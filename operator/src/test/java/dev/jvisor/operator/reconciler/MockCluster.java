package dev.jvisor.operator.reconciler;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.config.OperatorSettings;
import dev.jvisor.operator.node.NodeContract;
import dev.jvisor.operator.node.NodeReport;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.processing.event.rate.LinearRateLimiter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A mock API server in CRUD mode with the operator running against it, plus helpers that play the node-agent.
 * One per test class; {@link #close()} stops both.
 */
final class MockCluster implements AutoCloseable {
    static final String NAMESPACE = "jvisor-system";
    static final Duration CACHE_SYNC_TIMEOUT = Duration.ofSeconds(20);
    static final Duration TEST_RATE_PERIOD = Duration.ofMillis(200);

    final KubernetesMockServer server;
    final KubernetesClient client;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final Operator operator;

    /**
     * Functional tests: the operator started, rate-limited to one reconciliation per {@link #TEST_RATE_PERIOD} per
     * SandboxRuntime instead of the production one per 2 s, so the tests spend their time on behaviour, not waiting.
     */
    MockCluster(OperatorSettings settings) {
        this(settings, true, false);
    }

    /**
     * With {@code start} false the operator is registered but started later by {@link #startOperator()}; with
     * {@code productionRateLimit} the reconciler's own {@code @RateLimited} applies (the benchmark).
     */
    MockCluster(OperatorSettings settings, boolean start, boolean productionRateLimit) {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(List.of(CustomResourceDefinitionContext.fromCustomResourceType(
                        SandboxRuntime.class))), false);
        server.init();
        client = server.createClient();
        operator = new Operator(o -> o.withKubernetesClient(client)
                // the mock server rejects server-side apply (HTTP 415)
                .withUseSSAToPatchPrimaryResource(false)
                .withSSABasedCreateUpdateMatchForDependentResources(false)
                .checkingCRDAndValidateLocalModel(false)
                .withCloseClientOnStop(false)
                .withCacheSyncTimeout(CACHE_SYNC_TIMEOUT));
        var reconciler = new SandboxRuntimeReconciler(settings, new OperatorMetrics(meters));
        if (productionRateLimit) {
            operator.register(reconciler);
        } else {
            operator.register(reconciler, o -> o.withRateLimiter(new LinearRateLimiter(TEST_RATE_PERIOD, 1)));
        }
        if (start) {
            operator.start();
        }
    }

    /** Starts the operator; returns once its informers have synced. */
    void startOperator() {
        operator.start();
    }

    static OperatorSettings settings() {
        return OperatorSettings.of(NAMESPACE, "test");
    }

    @Override
    public void close() {
        operator.stop();
        client.close();
        server.destroy();
    }

    Node addNode(String name, Map<String, String> labels) {
        Map<String, String> all = new HashMap<>(labels);
        all.put(NodeContract.OS_LABEL, NodeContract.LINUX);
        all.put("kubernetes.io/hostname", name);
        return client.nodes().resource(new NodeBuilder().withNewMetadata().withName(name).withLabels(all)
                .endMetadata().build()).create();
    }

    /** What the node-agent does: write its report and set the ready label exactly when Ready. */
    void report(String node, String sandboxRuntime, String phase, String message) {
        report(node, sandboxRuntime, phase, message, "0.1.0");
    }

    void report(String node, String sandboxRuntime, String phase, String message, String runtimeVersion) {
        String json = new NodeReport(phase, message, runtimeVersion, "1.6.20", Instant.now().toString()).toJson();
        client.nodes().withName(node).edit(n -> {
            if ("Ready".equals(phase)) {
                n.getMetadata().getLabels().put(NodeContract.readyLabel(sandboxRuntime), NodeContract.READY_VALUE);
            } else {
                n.getMetadata().getLabels().remove(NodeContract.readyLabel(sandboxRuntime));
            }
            if (n.getMetadata().getAnnotations() == null) {
                n.getMetadata().setAnnotations(new HashMap<>());
            }
            n.getMetadata().getAnnotations().put(NodeContract.statusAnnotation(sandboxRuntime), json);
            return n;
        });
    }

    Pod addPod(String namespace, String name, String runtimeClassName) {
        return client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withNewSpec().withRuntimeClassName(runtimeClassName)
                .addNewContainer().withName("app").withImage("busybox").endContainer().endSpec()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
    }

    SandboxRuntime get(String name) {
        return client.resources(SandboxRuntime.class).withName(name).get();
    }

    Node node(String name) {
        return client.nodes().withName(name).get();
    }

}
