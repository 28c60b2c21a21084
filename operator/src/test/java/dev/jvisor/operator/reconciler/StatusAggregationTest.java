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

    @Test
    void anAgentUpgradeRollsTheDaemonSetShowsTheRolloutAndTheNewVersions() {
        cluster.addNode("up-1", Map.of("pool", "up"));
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setNodeSelector(Map.of("pool", "up"));
        spec.setRuntimeClassName("gvisor-up");
        spec.setHandler("jvisor-up");
        cluster.client.resource(sandboxRuntime("up", spec)).create();
        cluster.report("up-1", "up", "Ready", "verified", "0.1.0");
        await().atMost(WAIT).until(() -> cluster.get("up").getStatus(), s -> s != null && s.getPhase() == RuntimePhase.Ready);

        var upgraded = cluster.get("up");
        upgraded.getSpec().getAgent().setImage("ghcr.io/jvisor/node-agent:0.2.0");
        cluster.client.resource(upgraded).update();
        String ns = MockCluster.NAMESPACE;
        await().atMost(WAIT).until(() -> cluster.client.apps().daemonSets().inNamespace(ns).withName("jvisor-node-agent-up")
                .get().getSpec().getTemplate().getSpec().getContainers().get(0).getImage().endsWith(":0.2.0"));
        // The mock has no DaemonSet controller: play it, one of two pods updated.
        setRollout(ns, 2, 1);
        var rolling = await().atMost(WAIT).until(() -> cluster.get("up").getStatus(), s -> Conditions
                .find(s.getConditions(), "Progressing").map(c -> "AgentRollout".equals(c.getReason())).orElse(false));
        assertThat(Conditions.find(rolling.getConditions(), "Progressing").orElseThrow().getMessage())
                .isEqualTo("node-agent rollout: 1/2 pods updated");

        setRollout(ns, 2, 2);
        cluster.report("up-1", "up", "Ready", "verified", "0.2.0");
        var done = await().atMost(WAIT).until(() -> cluster.get("up").getStatus(),
                s -> "0.2.0".equals(s.getNodes().get(0).getRuntimeVersion()) && Conditions
                        .find(s.getConditions(), "Progressing").map(c -> "Stable".equals(c.getReason())).orElse(false));
        assertThat(done.getPhase()).isEqualTo(RuntimePhase.Ready);
    }

    private static void setRollout(String ns, int desired, int updated) {
        cluster.client.apps().daemonSets().inNamespace(ns).withName("jvisor-node-agent-up").editStatus(ds -> {
            ds.setStatus(new io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder()
                    .withObservedGeneration(ds.getMetadata().getGeneration()).withDesiredNumberScheduled(desired)
                    .withUpdatedNumberScheduled(updated).withCurrentNumberScheduled(desired).withNumberReady(desired)
                    .withNumberMisscheduled(0).build());
            return ds;
        });
    }

    private static SandboxRuntimeStatus awaitStatus(java.util.function.Predicate<SandboxRuntimeStatus> until) {
        return await().atMost(WAIT).until(() -> cluster.get("agg").getStatus(),
                s -> s != null && s.getNodeCounts() != null && until.test(s));
    }

    private static java.util.List<Event> events(String name) {
        return ClusterEvents.eventsFor(cluster, name);
    }
}
