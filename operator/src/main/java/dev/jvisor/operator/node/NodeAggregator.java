package dev.jvisor.operator.node;

import dev.jvisor.operator.api.v1alpha1.NodeCounts;
import dev.jvisor.operator.api.v1alpha1.NodePhase;
import dev.jvisor.operator.api.v1alpha1.NodeStatus;
import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns Node objects into the per-node list and counts of one SandboxRuntime. Pure: no client, no clock, so the
 * rules below are unit-tested directly.
 *
 * <p>A node is listed when the DaemonSet selects it (the spec's nodeSelector plus {@code kubernetes.io/os=linux},
 * exactly the DaemonSet's own selector) or when the agent has touched it (label or report present), so a node that
 * left the selection stays visible until it is clean.
 */
public final class NodeAggregator {
    static final String NO_REPORT = "no report from the node-agent yet";
    /**
     * At most this many nodes are listed, so that the object stays far below etcd's 1.5 MiB limit (an entry is
     * ~200 bytes); nodes that are not Ready are listed first, the counts always cover every node.
     */
    public static final int MAX_LISTED = 1000;

    private NodeAggregator() {
    }

    /** The per-node list (sorted by name), the counts, and how many Ready nodes were left out of the list. */
    public record Aggregate(List<NodeStatus> nodes, NodeCounts counts, int omitted) {
        public String readyFraction() {
            return counts.getReady() + "/" + counts.getTotal();
        }
    }

    public static Aggregate aggregate(String sandboxRuntime, Map<String, String> nodeSelector, Collection<Node> nodes) {
        List<NodeStatus> listed = new ArrayList<>();
        for (Node node : nodes) {
            Map<String, String> labels = node.getMetadata().getLabels();
            Map<String, String> annotations = node.getMetadata().getAnnotations();
            boolean selected = selects(nodeSelector, labels);
            boolean touched = NodeContract.isTouched(labels, annotations, sandboxRuntime);
            if (!selected && !touched) {
                continue;
            }
            NodeStatus status = statusOf(sandboxRuntime, node);
            if (!selected && status.getPhase() == NodePhase.Uninstalled) {
                continue; // left the selection and is clean: nothing to say about it
            }
            listed.add(status);
        }
        NodeCounts counts = count(listed);
        int omitted = 0;
        if (listed.size() > MAX_LISTED) {
            // Keep what needs attention: everything not Ready first, then Ready nodes by name.
            listed.sort(Comparator.comparing((NodeStatus n) -> n.getPhase() == NodePhase.Ready)
                    .thenComparing(NodeStatus::getName));
            omitted = listed.size() - MAX_LISTED;
            listed = new ArrayList<>(listed.subList(0, MAX_LISTED));
        }
        listed.sort(Comparator.comparing(NodeStatus::getName));
        return new Aggregate(listed, counts, omitted);
    }

    /** Whether the node-agent DaemonSet runs on a node with these labels. */
    public static boolean selects(Map<String, String> nodeSelector, Map<String, String> labels) {
        Map<String, String> have = labels == null ? Map.of() : labels;
        if (!NodeContract.LINUX.equals(have.get(NodeContract.OS_LABEL))) {
            return false;
        }
        return nodeSelector.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
    }

    /** One node's status for one SandboxRuntime, from its label and report. */
    public static NodeStatus statusOf(String sandboxRuntime, Node node) {
        String name = node.getMetadata().getName();
        Map<String, String> annotations = node.getMetadata().getAnnotations();
        boolean labelled = NodeContract.isLabelledReady(node.getMetadata().getLabels(), sandboxRuntime);
        String raw = annotations == null ? null : annotations.get(NodeContract.statusAnnotation(sandboxRuntime));
        if (raw == null) {
            return labelled
                    ? new NodeStatus(name, NodePhase.Ready, "labelled ready; no status annotation", null, null, null)
                    : new NodeStatus(name, NodePhase.Pending, NO_REPORT, null, null, null);
        }
        NodeReport report;
        try {
            report = NodeReport.parse(raw);
        } catch (NodeReport.InvalidReportException e) {
            return new NodeStatus(name, NodePhase.Failed, e.getMessage(), null, null, null);
        }
        NodePhase phase = report.phaseValue().orElseThrow();
        String message = report.message();
        if (phase == NodePhase.Ready && !labelled) {
            // The label, not the report, is what scheduling uses: never call a node Ready that pods cannot reach.
            phase = NodePhase.Installing;
            message = "reported Ready but the label " + NodeContract.readyLabel(sandboxRuntime) + "="
                    + NodeContract.READY_VALUE + " is missing"
                    + Optional.ofNullable(message).map(m -> " (" + m + ")").orElse("");
        }
        return new NodeStatus(name, phase, message, report.runtimeVersion(), report.containerdVersion(), report.since());
    }

    private static NodeCounts count(List<NodeStatus> nodes) {
        NodeCounts counts = new NodeCounts();
        counts.setTotal(nodes.size());
        for (NodeStatus n : nodes) {
            switch (n.getPhase()) {
                case Pending -> counts.setPending(counts.getPending() + 1);
                case Installing -> counts.setInstalling(counts.getInstalling() + 1);
                case Ready -> counts.setReady(counts.getReady() + 1);
                case Failed -> counts.setFailed(counts.getFailed() + 1);
                case Uninstalling, Uninstalled -> counts.setUninstalling(counts.getUninstalling() + 1);
            }
        }
        return counts;
    }
}
