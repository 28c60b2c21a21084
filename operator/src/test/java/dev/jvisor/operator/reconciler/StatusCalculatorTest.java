package dev.jvisor.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.operator.api.v1alpha1.NodePhase;
import dev.jvisor.operator.api.v1alpha1.NodeStatus;
import dev.jvisor.operator.api.v1alpha1.RuntimePhase;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import dev.jvisor.operator.node.NodeAggregator;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StatusCalculatorTest {
    static SandboxRuntime sbr() {
        SandboxRuntime r = new SandboxRuntime();
        r.setMetadata(new ObjectMetaBuilder().withName("default").withGeneration(3L).build());
        r.setSpec(new SandboxRuntimeSpec());
        return r;
    }

    static NodeAggregator.Aggregate nodes(String... phases) {
        var list = IntStream.range(0, phases.length).mapToObj(i -> new NodeBuilder().withNewMetadata()
                .withName("n" + i).withLabels("Ready".equals(phases[i])
                        ? Map.of("kubernetes.io/os", "linux", "jvisor.dev/default", "ready")
                        : Map.of("kubernetes.io/os", "linux")).withAnnotations(Map.of(
                        "jvisor.dev/default.status", "{\"phase\":\"" + phases[i] + "\",\"message\":\"m" + i + "\"}"))
                .endMetadata().build()).toList();
        return NodeAggregator.aggregate("default", Map.of(), list);
    }

    @Test
    void lastTransitionTimeMovesOnlyWhenTheConditionFlips() {
        SandboxRuntime r = sbr();
        Instant t1 = Instant.parse("2026-11-28T10:00:00Z");
        Instant t2 = Instant.parse("2026-11-28T10:05:00Z");
        r.setStatus(StatusCalculator.installed(r, nodes("Installing"), t1));
        var same = StatusCalculator.installed(r, nodes("Installing"), t2);
        assertThat(StatusWriter.sameStatus(r.getStatus(), same)).as("nothing changed, nothing to write").isTrue();
        var flipped = StatusCalculator.installed(r, nodes("Failed"), t2);
        assertThat(Conditions.find(flipped.getConditions(), "Degraded").orElseThrow().getLastTransitionTime())
                .isEqualTo(t2.toString());
        assertThat(Conditions.find(flipped.getConditions(), "Ready").orElseThrow().getLastTransitionTime())
                .isEqualTo(t1.toString());
        assertThat(flipped.getConditions()).allSatisfy(c -> assertThat(c.getObservedGeneration()).isEqualTo(3L));
    }

    @Test
    void phaseSummarisesTheNodes() {
        SandboxRuntime r = sbr();
        Instant now = Instant.now();
        assertThat(StatusCalculator.installed(r, nodes(), now).getPhase()).isEqualTo(RuntimePhase.Pending);
        assertThat(StatusCalculator.installed(r, nodes("Ready", "Installing"), now).getPhase())
                .isEqualTo(RuntimePhase.Installing);
        assertThat(StatusCalculator.installed(r, nodes("Ready", "Ready"), now).getPhase()).isEqualTo(RuntimePhase.Ready);
        assertThat(StatusCalculator.installed(r, nodes("Ready", "Failed"), now).getPhase())
                .isEqualTo(RuntimePhase.Degraded);
    }

    @Test
    void failureMessagesNameTheFirstTenNodesAndCountTheRest() {
        List<NodeStatus> failed = IntStream.range(0, 12)
                .mapToObj(i -> new NodeStatus("n" + i, NodePhase.Failed, "boom", null, null, null)).toList();
        String message = StatusCalculator.describe(failed, NodePhase.Failed);
        assertThat(message).startsWith("n0: boom; n1: boom").contains("n9: boom").doesNotContain("n10:")
                .endsWith("; and 2 more");
    }

    @Test
    void anAgentRolloutInFlightIsProgressEvenWhenEveryNodeIsReady() {
        SandboxRuntime r = sbr();
        var rolling = StatusCalculator.installed(r, nodes("Ready", "Ready"), new AgentRollout(2, 1, true), Instant.now());
        assertThat(rolling.getPhase()).isEqualTo(RuntimePhase.Ready);
        var progressing = Conditions.find(rolling.getConditions(), "Progressing").orElseThrow();
        assertThat(progressing.getStatus()).isEqualTo("True");
        assertThat(progressing.getReason()).isEqualTo("AgentRollout");
        assertThat(progressing.getMessage()).isEqualTo("node-agent rollout: 1/2 pods updated");
        var unobserved = StatusCalculator.installed(r, nodes("Ready"), new AgentRollout(1, 1, false), Instant.now());
        assertThat(Conditions.find(unobserved.getConditions(), "Progressing").orElseThrow().getMessage())
                .endsWith("new DaemonSet spec not yet observed");
        var done = StatusCalculator.installed(r, nodes("Ready"), new AgentRollout(1, 1, true), Instant.now());
        assertThat(Conditions.find(done.getConditions(), "Progressing").orElseThrow().getReason()).isEqualTo("Stable");
    }
}
