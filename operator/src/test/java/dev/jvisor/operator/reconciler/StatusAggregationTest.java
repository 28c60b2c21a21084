package dev.jvisor.operator.reconciler;

import static dev.jvisor.operator.reconciler.InstallTest.WAIT;
import static dev.jvisor.operator.reconciler.InstallTest.sandboxRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jvisor.operator.api.v1alpha1.NodePhase;
import dev.jvisor.operator.api.v1alpha1.NodeStatus;
import dev.jvisor.operator.api.v1alpha1.RuntimePhase;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeStatus;
import io.fabric8.kubernetes.api.model.Event;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Node reports (played by the test) aggregate into status: ready, failed with its reason, missing. */
class StatusAggregationTest {
    static MockCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new MockCluster(MockCluster.settings());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void statusFollowsTheNodeAgentsReportsNodeByNode() {
        cluster.addNode("pool-a-1", Map.of("pool", "a"));
        cluster.addNode("pool-a-2", Map.of("pool", "a"));
        cluster.addNode("pool-a-3", Map.of("pool", "a"));
        cluster.addNode("pool-b-1", Map.of("pool", "b")); // not selected: never listed
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setNodeSelector(Map.of("pool", "a"));
        cluster.client.resource(sandboxRuntime("agg", spec)).create();

        SandboxRuntimeStatus pending = awaitStatus(s -> s.getNodeCounts().getTotal() == 3);
        assertThat(pending.getPhase()).isEqualTo(RuntimePhase.Installing);
        assertThat(pending.getNodes()).extracting(NodeStatus::getName)
                .containsExactly("pool-a-1", "pool-a-2", "pool-a-3");
        assertThat(pending.getNodes()).allSatisfy(n -> {
            assertThat(n.getPhase()).isEqualTo(NodePhase.Pending);
            assertThat(n.getMessage()).isEqualTo("no report from the node-agent yet");
        });
        assertThat(pending.getReadyNodes()).isEqualTo("0/3");

        cluster.report("pool-a-1", "agg", "Ready", "verified handler jvisor");
        cluster.report("pool-a-2", "agg", "Failed",
                "containerd config /etc/containerd/config.toml is not valid TOML: line 12");
        SandboxRuntimeStatus mixed = awaitStatus(s -> s.getNodeCounts().getFailed() == 1 && s.getNodeCounts().getReady() == 1);
        assertThat(mixed.getPhase()).isEqualTo(RuntimePhase.Degraded);
        assertThat(mixed.getReadyNodes()).isEqualTo("1/3");
        NodeStatus failed = mixed.getNodes().get(1);
        assertThat(failed.getName()).isEqualTo("pool-a-2");
        assertThat(failed.getMessage()).isEqualTo("containerd config /etc/containerd/config.toml is not valid TOML: line 12");
        assertThat(failed.getContainerdVersion()).isEqualTo("1.6.20");
        assertThat(mixed.getNodes().get(0).getRuntimeVersion()).isEqualTo("0.1.0");
        assertThat(mixed.getNodes().get(2).getPhase()).as("missing report").isEqualTo(NodePhase.Pending);
        var degraded = Conditions.find(mixed.getConditions(), "Degraded").orElseThrow();
        assertThat(degraded.getStatus()).isEqualTo("True");
        assertThat(degraded.getReason()).isEqualTo("NodesFailed");
        assertThat(degraded.getMessage()).isEqualTo(
                "pool-a-2: containerd config /etc/containerd/config.toml is not valid TOML: line 12");
        assertThat(Conditions.find(mixed.getConditions(), "Ready").orElseThrow().getStatus()).isEqualTo("False");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("agg")).extracting(Event::getReason)
                .contains("NodeFailed", "Degraded"));

        cluster.report("pool-a-2", "agg", "Ready", "verified handler jvisor");
        cluster.report("pool-a-3", "agg", "Ready", "verified handler jvisor");
        SandboxRuntimeStatus ready = awaitStatus(s -> s.getPhase() == RuntimePhase.Ready);
        assertThat(ready.getReadyNodes()).isEqualTo("3/3");
        assertThat(Conditions.find(ready.getConditions(), "Ready").orElseThrow().getReason()).isEqualTo("AllNodesReady");
        assertThat(Conditions.find(ready.getConditions(), "Degraded").orElseThrow().getStatus()).isEqualTo("False");
        await().atMost(WAIT).untilAsserted(() -> assertThat(events("agg")).extracting(Event::getReason)
                .contains("Ready"));
        assertThat(cluster.meters.find("jvisor.operator.nodes").tags("sandboxruntime", "agg", "phase", "Ready")
                .gauge().value()).isEqualTo(3.0);
    }

    @Test
    void aReadyReportWithoutTheReadyLabelIsNotCalledReady() {
        cluster.addNode("unlabelled", Map.of("pool", "c"));
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setNodeSelector(Map.of("pool", "c"));
        spec.setRuntimeClassName("gvisor-c");
        spec.setHandler("jvisor-c");
        cluster.client.resource(sandboxRuntime("nolabel", spec)).create();
        cluster.report("unlabelled", "nolabel", "Ready", "verified");
        cluster.client.nodes().withName("unlabelled").edit(n -> {
            n.getMetadata().getLabels().remove("jvisor.dev/nolabel");
            return n;
        });
        SandboxRuntimeStatus status = await().atMost(WAIT).until(() -> cluster.get("nolabel").getStatus(),
                s -> s != null && s.getNodeCounts().getInstalling() == 1);
        assertThat(status.getNodes().get(0).getMessage())
                .startsWith("reported Ready but the label jvisor.dev/nolabel=ready is missing");
    }

    private static SandboxRuntimeStatus awaitStatus(java.util.function.Predicate<SandboxRuntimeStatus> until) {
        return await().atMost(WAIT).until(() -> cluster.get("agg").getStatus(),
                s -> s != null && s.getNodeCounts() != null && until.test(s));
    }

    private static java.util.List<Event> events(String name) {
        return ClusterEvents.eventsFor(cluster, name);
    }
}
