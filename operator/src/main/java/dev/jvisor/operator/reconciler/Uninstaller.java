package dev.jvisor.operator.reconciler;

import dev.jvisor.operator.api.v1alpha1.NodePhase;
import dev.jvisor.operator.api.v1alpha1.NodeStatus;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.UninstallStatus;
import dev.jvisor.operator.config.OperatorSettings;
import dev.jvisor.operator.dependent.AgentObjects;
import dev.jvisor.operator.node.NodeAggregator;
import dev.jvisor.operator.node.NodeContract;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The finalizer's work, one bounded step per call:
 * <ol>
 *   <li>while pods still use the RuntimeClass, hold (status.uninstall.heldByPods names them) - nothing is touched;
 *   <li>annotate every node the agent touched with {@code jvisor.dev/<name>.uninstall=true} and start the clock;
 *   <li>when every such node reports Uninstalled, or the timeout passes (the laggards are named in a Warning Event
 *       and the log), delete the RuntimeClass, the node-agent and its RBAC, clear our node keys, drop the finalizer.
 * </ol>
 * The operator never waits longer than the configured timeout once uninstall started (CoCo operator #58, #391).
 */
final class Uninstaller {
    private static final Logger LOG = Logger.getLogger(Uninstaller.class);

    private final OperatorSettings settings;
    private final EventRecorder events;
    private final OperatorMetrics metrics;

    Uninstaller(OperatorSettings settings, EventRecorder events, OperatorMetrics metrics) {
        this.settings = settings;
        this.events = events;
        this.metrics = metrics;
    }

    DeleteControl cleanup(SandboxRuntime r, Context<SandboxRuntime> context) {
        KubernetesClient client = context.getClient();
        String name = r.getMetadata().getName();
        Instant now = Instant.now();
        Optional<RuntimeClass> runtimeClass = owned(client.resources(RuntimeClass.class)
                .withName(r.getSpec().getRuntimeClassName()).get(), r);
        Optional<DaemonSet> daemonSet = owned(client.apps().daemonSets().inNamespace(settings.namespace())
                .withName(AgentObjects.agentName(r)).get(), r);
        Collection<Node> nodes = SandboxRuntimeReconciler.allNodes(context);
        List<Node> touched = nodes.stream()
                .filter(n -> NodeContract.isTouched(n.getMetadata().getLabels(), n.getMetadata().getAnnotations(), name))
                .toList();
        if (runtimeClass.isEmpty() && daemonSet.isEmpty() && touched.isEmpty()) {
            // Never installed anything (e.g. it lost a name conflict): nothing to undo.
            deleteOwnedObjects(client, r);
            metrics.forget(name);
            metrics.reconciled(OperatorMetrics.Result.uninstalled);
            return DeleteControl.defaultDelete();
        }

        UninstallStatus uninstall = Optional.ofNullable(r.getStatus()).map(s -> s.getUninstall())
                .orElseGet(UninstallStatus::new);
        if (uninstall.getStartedAt() == null) {
            List<String> pods = runtimeClass.isPresent() ? podsUsing(client, r.getSpec().getRuntimeClassName()) : List.of();
            if (!pods.isEmpty()) {
                if (uninstall.getHeldByPods().isEmpty()) {
                    events.record(client, r, EventRecorder.Type.Warning, "UninstallHeld", "uninstall waits for "
                            + pods.size() + " pod(s) using RuntimeClass " + r.getSpec().getRuntimeClassName() + ": "
                            + StatusCalculator.firstFew(pods));
                }
                uninstall.setHeldByPods(pods);
                uninstall.setWaitingForNodes(touched.stream().map(n -> n.getMetadata().getName()).sorted().toList());
                writeStatus(client, r, uninstall, nodes, now);
                metrics.reconciled(OperatorMetrics.Result.uninstalling);
                return DeleteControl.noFinalizerRemoval().rescheduleAfter(settings.uninstallPollInterval().toMillis());
            }
            uninstall.setHeldByPods(List.of());
            uninstall.setStartedAt(now.toString());
            uninstall.setDeadline(now.plus(settings.uninstallTimeout()).toString());
            events.record(client, r, EventRecorder.Type.Normal, "UninstallStarted", "asked " + touched.size()
                    + " node-agent(s) to uninstall; waiting up to " + settings.uninstallTimeout());
        }
        for (Node node : touched) {
            var annotations = node.getMetadata().getAnnotations();
            if (annotations == null || !NodeContract.UNINSTALL_VALUE.equals(
                    annotations.get(NodeContract.uninstallAnnotation(name)))) {
                patchNodeMetadata(client, node.getMetadata().getName(), "annotations",
                        "\"" + NodeContract.uninstallAnnotation(name) + "\":\"" + NodeContract.UNINSTALL_VALUE + "\"");
            }
        }

        List<NodeStatus> waiting = touched.stream().map(n -> NodeAggregator.statusOf(name, n))
                .filter(s -> s.getPhase() != NodePhase.Uninstalled).sorted((a, b) -> a.getName().compareTo(b.getName()))
                .toList();
        Instant deadline = Instant.parse(uninstall.getDeadline());
        if (waiting.isEmpty()) {
            finish(client, r, touched);
            events.record(client, r, EventRecorder.Type.Normal, "Uninstalled", touched.size()
                    + " node(s) reported Uninstalled; removed RuntimeClass " + r.getSpec().getRuntimeClassName()
                    + " and the node-agent");
            return DeleteControl.defaultDelete();
        }
        if (!now.isBefore(deadline)) {
            String laggards = waiting.stream().map(s -> s.getName() + " (" + s.getPhase()
                    + Optional.ofNullable(s.getMessage()).map(m -> ": " + m).orElse("") + ")")
                    .collect(Collectors.joining(", "));
            String message = "gave up after " + settings.uninstallTimeout() + " waiting for " + waiting.size()
                    + " node(s) to report Uninstalled: " + laggards + "; their hosts may still carry the runtime. "
                    + "Removed RuntimeClass " + r.getSpec().getRuntimeClassName() + " and the node-agent anyway";
            LOG.errorf("sandboxruntime=%s uninstall timed out: %s", name, message);
            events.record(client, r, EventRecorder.Type.Warning, "UninstallTimedOut", message);
            finish(client, r, touched);
            return DeleteControl.defaultDelete();
        }
        uninstall.setWaitingForNodes(waiting.stream().map(NodeStatus::getName).toList());
        writeStatus(client, r, uninstall, nodes, now);
        metrics.reconciled(OperatorMetrics.Result.uninstalling);
        long next = Math.min(settings.uninstallPollInterval().toMillis(),
                Math.max(1, Duration.between(now, deadline).toMillis()));
        return DeleteControl.noFinalizerRemoval().rescheduleAfter(next);
    }

    private void finish(KubernetesClient client, SandboxRuntime r, List<Node> touched) {
        deleteOwnedObjects(client, r);
        String name = r.getMetadata().getName();
        for (Node node : touched) {
            // edit() sends a JSON patch of exactly the removed keys; other keys (other SandboxRuntimes', the
            // kubelet's) stay untouched.
            client.nodes().withName(node.getMetadata().getName()).edit(n -> {
                if (n.getMetadata().getLabels() != null) {
                    n.getMetadata().getLabels().remove(NodeContract.readyLabel(name));
                }
                if (n.getMetadata().getAnnotations() != null) {
                    n.getMetadata().getAnnotations().remove(NodeContract.statusAnnotation(name));
                    n.getMetadata().getAnnotations().remove(NodeContract.uninstallAnnotation(name));
                }
                return n;
            });
        }
        metrics.forget(name);
        metrics.reconciled(OperatorMetrics.Result.uninstalled);
    }

    /**
     * Deletes what this SandboxRuntime owns, RuntimeClass first so no new pod can ask for it. Owner references would
     * let the garbage collector do the rest; deleting explicitly makes the order certain and the end observable.
     */
    private void deleteOwnedObjects(KubernetesClient client, SandboxRuntime r) {
        String agent = AgentObjects.agentName(r);
        String ns = settings.namespace();
        deleteIfOwned(r, client.resources(RuntimeClass.class).withName(r.getSpec().getRuntimeClassName()).get(), client);
        deleteIfOwned(r, client.apps().daemonSets().inNamespace(ns).withName(agent).get(), client);
        deleteIfOwned(r, client.rbac().clusterRoleBindings().withName(agent).get(), client);
        deleteIfOwned(r, client.rbac().clusterRoles().withName(agent).get(), client);
        deleteIfOwned(r, client.rbac().roleBindings().inNamespace(ns).withName(agent).get(), client);
        deleteIfOwned(r, client.rbac().roles().inNamespace(ns).withName(agent).get(), client);
        deleteIfOwned(r, client.serviceAccounts().inNamespace(ns).withName(agent).get(), client);
        deleteIfOwned(r, client.configMaps().inNamespace(ns).withName(AgentObjects.configMapName(r)).get(), client);
    }

    private static void deleteIfOwned(SandboxRuntime r, HasMetadata object, KubernetesClient client) {
        if (object != null && AgentObjects.ownedBy(object, r)) {
            client.resource(object).delete();
        }
    }

    private static <T extends HasMetadata> Optional<T> owned(T object, SandboxRuntime r) {
        return Optional.ofNullable(object).filter(o -> AgentObjects.ownedBy(o, r));
    }

    /** Running or pending pods that name the RuntimeClass, as namespace/name, sorted. */
    static List<String> podsUsing(KubernetesClient client, String runtimeClassName) {
        return client.pods().inAnyNamespace().list().getItems().stream()
                .filter(p -> p.getSpec() != null && runtimeClassName.equals(p.getSpec().getRuntimeClassName()))
                .filter(Uninstaller::notFinished)
                .map(p -> p.getMetadata().getNamespace() + "/" + p.getMetadata().getName())
                .sorted()
                .toList();
    }

    private static boolean notFinished(Pod pod) {
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    private static void patchNodeMetadata(KubernetesClient client, String node, String field, String entries) {
        client.nodes().withName(node).patch(PatchContext.of(PatchType.JSON_MERGE),
                "{\"metadata\":{\"" + field + "\":{" + entries + "}}}");
    }

    private void writeStatus(KubernetesClient client, SandboxRuntime r, UninstallStatus uninstall,
            Collection<Node> nodes, Instant now) {
        var aggregate = NodeAggregator.aggregate(r.getMetadata().getName(), r.getSpec().getNodeSelector(), nodes);
        var status = StatusCalculator.uninstalling(r, aggregate, uninstall, now);
        if (StatusWriter.sameStatus(r.getStatus(), status)) {
            return;
        }
        if (r.getStatus() == null || r.getStatus().getPhase() != status.getPhase()) {
            events.record(client, r, EventRecorder.Type.Normal, status.getPhase().name(),
                    "phase " + status.getPhase());
        }
        StatusWriter.write(client, r, status);
    }

}
