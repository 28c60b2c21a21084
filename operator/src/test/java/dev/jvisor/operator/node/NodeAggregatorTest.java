package dev.jvisor.operator.node;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.operator.api.v1alpha1.NodePhase;
import dev.jvisor.operator.api.v1alpha1.NodeStatus;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeAggregatorTest {
    static final String SBR = "default";

    static Node node(String name, Map<String, String> labels, String report) {
        Map<String, String> all = new HashMap<>(labels);
        Map<String, String> annotations = new HashMap<>();
        if (report != null) {
            annotations.put(NodeContract.statusAnnotation(SBR), report);
        }
        return new NodeBuilder().withNewMetadata().withName(name).withLabels(all).withAnnotations(annotations)
                .endMetadata().build();
    }

    static Map<String, String> linux(String... kv) {
        Map<String, String> m = new HashMap<>(Map.of("kubernetes.io/os", "linux"));
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static String report(String phase, String message) {
        return new NodeReport(phase, message, "0.1.0", "1.7.2", "2026-11-28T00:00:00Z").toJson();
    }

    @Test
    void selectsLinuxNodesMatchingEveryNodeSelectorEntry() {
        assertThat(NodeAggregator.selects(Map.of(), linux())).isTrue();
        assertThat(NodeAggregator.selects(Map.of(), Map.of("kubernetes.io/os", "windows"))).isFalse();
        assertThat(NodeAggregator.selects(Map.of(), null)).isFalse();
        assertThat(NodeAggregator.selects(Map.of("pool", "a"), linux("pool", "a", "zone", "x"))).isTrue();
        assertThat(NodeAggregator.selects(Map.of("pool", "a", "zone", "y"), linux("pool", "a", "zone", "x"))).isFalse();
    }

    @Test
    void eachNodeGetsItsPhaseAndTheAgentsMessageVerbatim() {
        Map<String, String> readyLabel = linux(NodeContract.readyLabel(SBR), "ready");
        var aggregate = NodeAggregator.aggregate(SBR, Map.of(), List.of(
                node("c-ready", readyLabel, report("Ready", "verified")),
                node("a-failed", linux(), report("Failed", "containerd 1.5 is too old: need 1.6+")),
                node("b-silent", linux(), null),
                node("d-garbage", linux(), "not json"),
                node("e-label-only", readyLabel, null),
                node("f-windows", Map.of("kubernetes.io/os", "windows"), null)));

        assertThat(aggregate.nodes()).extracting(NodeStatus::getName)
                .containsExactly("a-failed", "b-silent", "c-ready", "d-garbage", "e-label-only");
        assertThat(aggregate.nodes()).extracting(NodeStatus::getPhase).containsExactly(NodePhase.Failed,
                NodePhase.Pending, NodePhase.Ready, NodePhase.Failed, NodePhase.Ready);
        assertThat(aggregate.nodes().get(0).getMessage()).isEqualTo("containerd 1.5 is too old: need 1.6+");
        assertThat(aggregate.nodes().get(1).getMessage()).isEqualTo("no report from the node-agent yet");
        assertThat(aggregate.nodes().get(3).getMessage()).startsWith("status annotation is not the JSON object");
        assertThat(aggregate.nodes().get(2).getContainerdVersion()).isEqualTo("1.7.2");
        var counts = aggregate.counts();
        assertThat(List.of(counts.getTotal(), counts.getPending(), counts.getReady(), counts.getFailed()))
                .containsExactly(5, 1, 2, 2);
        assertThat(aggregate.readyFraction()).isEqualTo("2/5");
    }

    @Test
    void aNodeThatLeftTheSelectionStaysListedUntilItIsClean() {
        var stillDirty = NodeAggregator.aggregate(SBR, Map.of("pool", "a"), List.of(
                node("moved", linux("pool", "b"), report("Uninstalling", "reverting config")),
                node("clean", linux("pool", "b"), report("Uninstalled", "done")),
                node("never", linux("pool", "b"), null)));
        assertThat(stillDirty.nodes()).extracting(NodeStatus::getName).containsExactly("moved");
        assertThat(stillDirty.counts().getUninstalling()).isEqualTo(1);
    }

    @Test
    void readyReportedWithoutTheLabelIsInstalling() {
        NodeStatus s = NodeAggregator.statusOf(SBR, node("n", linux(), report("Ready", "verified")));
        assertThat(s.getPhase()).isEqualTo(NodePhase.Installing);
        assertThat(s.getMessage()).isEqualTo("reported Ready but the label jvisor.dev/default=ready is missing (verified)");
    }

    @Test
    void largeClustersListAtMostATousandNodesWithTheFailedOnesFirst() {
        Map<String, String> readyLabel = linux(NodeContract.readyLabel(SBR), "ready");
        List<Node> nodes = new java.util.ArrayList<>();
        for (int i = 0; i < NodeAggregator.MAX_LISTED + 5; i++) {
            nodes.add(node(String.format("n%04d", i), readyLabel, report("Ready", "ok")));
        }
        nodes.add(node("zz-failed", linux(), report("Failed", "no /dev/kvm")));
        var aggregate = NodeAggregator.aggregate(SBR, Map.of(), nodes);
        assertThat(aggregate.nodes()).hasSize(NodeAggregator.MAX_LISTED);
        assertThat(aggregate.omitted()).isEqualTo(6);
        assertThat(aggregate.nodes()).extracting(NodeStatus::getName).contains("zz-failed").isSorted();
        assertThat(aggregate.counts().getTotal()).isEqualTo(NodeAggregator.MAX_LISTED + 6);
        assertThat(aggregate.readyFraction()).isEqualTo("1005/1006");
    }
}
