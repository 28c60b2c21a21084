package dev.jvisor.operator.reconciler;

import dev.jvisor.operator.api.v1alpha1.NodePhase;
import dev.jvisor.operator.api.v1alpha1.NodeStatus;
import dev.jvisor.operator.api.v1alpha1.RuntimePhase;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeStatus;
import dev.jvisor.operator.api.v1alpha1.UninstallStatus;
import dev.jvisor.operator.node.NodeAggregator.Aggregate;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

/** The status of a SandboxRuntime in each situation; pure, so every rule has a unit test. */
final class StatusCalculator {
    /** At most this many nodes or pods are named in one condition message; the lists hold all of them. */
    static final int NAMED_IN_MESSAGE = 10;

    private StatusCalculator() {
    }

    /** Installed (or installing): conditions from the node counts. */
    static SandboxRuntimeStatus installed(SandboxRuntime r, Aggregate nodes, Instant now) {
        return installed(r, nodes, AgentRollout.NONE, now);
    }

    /** As above, with the DaemonSet's rollout counted as progress (an agent upgrade in flight). */
    static SandboxRuntimeStatus installed(SandboxRuntime r, Aggregate nodes, AgentRollout rollout, Instant now) {
        var counts = nodes.counts();
        int total = counts.getTotal();  // every node, listed or not
        boolean ready = total > 0 && counts.getReady() == total;
        int progressing = counts.getPending() + counts.getInstalling() + counts.getUninstalling();
        RuntimePhase phase = counts.getFailed() > 0 ? RuntimePhase.Degraded
                : total == 0 ? RuntimePhase.Pending
                : ready ? RuntimePhase.Ready : RuntimePhase.Installing;

        var conditions = new Conditions(previous(r), r.getMetadata().getGeneration(), now)
                .set(Conditions.READY, ready, ready ? "AllNodesReady" : total == 0 ? "NoNodesSelected" : "NodesNotReady",
                        total == 0 ? "no node matches spec.nodeSelector and kubernetes.io/os=linux"
                                : nodes.readyFraction() + " nodes ready")
                .set(Conditions.PROGRESSING, progressing > 0 || !rollout.complete(),
                        progressing > 0 ? "Installing" : !rollout.complete() ? "AgentRollout" : "Stable",
                        progressing > 0 ? counts.getInstalling() + " installing, " + counts.getPending() + " pending, "
                                + counts.getUninstalling() + " uninstalling"
                                + (rollout.complete() ? "" : "; " + rollout.describe())
                                : !rollout.complete() ? rollout.describe() : "no node is changing")
                .set(Conditions.DEGRADED, counts.getFailed() > 0, counts.getFailed() > 0 ? "NodesFailed" : "AsExpected",
                        counts.getFailed() > 0 ? describe(nodes.nodes(), NodePhase.Failed) : "no node failed");
        return base(r, phase, conditions, nodes, List.of(r.getSpec().getRuntimeClassName()));
    }

    /** Lost a name conflict: nothing installed, reason names the winner. */
    static SandboxRuntimeStatus conflicted(SandboxRuntime r, String reason, Instant now) {
        var conditions = new Conditions(previous(r), r.getMetadata().getGeneration(), now)
                .set(Conditions.READY, false, "Conflict", reason)
                .set(Conditions.PROGRESSING, false, "Conflict", reason)
                .set(Conditions.DEGRADED, true, "Conflict", reason);
        SandboxRuntimeStatus status = new SandboxRuntimeStatus();
        status.setObservedGeneration(r.getMetadata().getGeneration());
        status.setPhase(RuntimePhase.Degraded);
        status.setConditions(conditions.build());
        status.setReadyNodes("0/0");
        return status;
    }

    /** Deleted: waiting for pods to go (held) or for nodes to report Uninstalled. */
    static SandboxRuntimeStatus uninstalling(SandboxRuntime r, Aggregate nodes, UninstallStatus uninstall, Instant now) {
        boolean held = !uninstall.getHeldByPods().isEmpty();
        String message = held
                ? "uninstall waits for " + uninstall.getHeldByPods().size() + " pod(s) using RuntimeClass "
                        + r.getSpec().getRuntimeClassName() + ": " + firstFew(uninstall.getHeldByPods())
                : "waiting for " + uninstall.getWaitingForNodes().size() + " node(s) to report Uninstalled until "
                        + uninstall.getDeadline() + ": " + firstFew(uninstall.getWaitingForNodes());
        var counts = nodes.counts();
        var conditions = new Conditions(previous(r), r.getMetadata().getGeneration(), now)
                .set(Conditions.READY, false, held ? "UninstallHeld" : "Uninstalling", message)
                .set(Conditions.PROGRESSING, true, held ? "UninstallHeld" : "Uninstalling", message)
                .set(Conditions.DEGRADED, counts.getFailed() > 0, counts.getFailed() > 0 ? "NodesFailed" : "AsExpected",
                        counts.getFailed() > 0 ? describe(nodes.nodes(), NodePhase.Failed) : "no node failed");
        SandboxRuntimeStatus status = base(r, RuntimePhase.Uninstalling, conditions, nodes,
                List.of(r.getSpec().getRuntimeClassName()));
        status.setUninstall(uninstall);
        return status;
    }

    /** A failure of the reconciliation itself (API errors), kept next to the node view. */
    static SandboxRuntimeStatus reconcileError(SandboxRuntime r, Exception e, Instant now) {
        SandboxRuntimeStatus status = r.getStatus() == null ? new SandboxRuntimeStatus() : r.getStatus();
        String message = e.getClass().getSimpleName() + ": " + e.getMessage();
        var conditions = new Conditions(previous(r), r.getMetadata().getGeneration(), now);
        for (var c : status.getConditions()) {
            if (!Conditions.DEGRADED.equals(c.getType())) {
                conditions.set(c.getType(), "True".equals(c.getStatus()), c.getReason(), c.getMessage());
            }
        }
        conditions.set(Conditions.DEGRADED, true, "ReconcileError", message);
        status.setConditions(conditions.build());
        status.setPhase(RuntimePhase.Degraded);
        return status;
    }

    /** "node-a: reason; node-b: reason" for the nodes in one phase, the agent's message verbatim. */
    static String describe(List<NodeStatus> nodes, NodePhase phase) {
        var matching = nodes.stream().filter(n -> n.getPhase() == phase).toList();
        String named = matching.stream().limit(NAMED_IN_MESSAGE).map(n -> n.getName() + ": " + n.getMessage())
                .collect(Collectors.joining("; "));
        return matching.size() > NAMED_IN_MESSAGE ? named + "; and " + (matching.size() - NAMED_IN_MESSAGE) + " more"
                : named;
    }

    static String firstFew(List<String> names) {
        String named = names.stream().limit(NAMED_IN_MESSAGE).collect(Collectors.joining(", "));
        return names.size() > NAMED_IN_MESSAGE ? named + " and " + (names.size() - NAMED_IN_MESSAGE) + " more" : named;
    }

    private static SandboxRuntimeStatus base(SandboxRuntime r, RuntimePhase phase, Conditions conditions,
            Aggregate nodes, List<String> runtimeClasses) {
        SandboxRuntimeStatus status = new SandboxRuntimeStatus();
        status.setObservedGeneration(r.getMetadata().getGeneration());
        status.setPhase(phase);
        status.setConditions(conditions.build());
        status.setReadyNodes(nodes.readyFraction());
        status.setNodeCounts(nodes.counts());
        status.setNodes(nodes.nodes());
        status.setRuntimeClassNames(runtimeClasses);
        return status;
    }

    private static List<io.fabric8.kubernetes.api.model.Condition> previous(SandboxRuntime r) {
        return r.getStatus() == null ? List.of() : r.getStatus().getConditions();
    }
}
