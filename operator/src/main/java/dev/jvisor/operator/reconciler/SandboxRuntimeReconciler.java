package dev.jvisor.operator.reconciler;

import dev.jvisor.operator.api.v1alpha1.NodePhase;
import dev.jvisor.operator.api.v1alpha1.NodeStatus;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeStatus;
import dev.jvisor.operator.config.OperatorSettings;
import dev.jvisor.operator.dependent.AgentObjects;
import dev.jvisor.operator.dependent.ConfigMapReaderRoleBindingDependent;
import dev.jvisor.operator.dependent.ConfigMapReaderRoleDependent;
import dev.jvisor.operator.dependent.NodeAccessClusterRoleBindingDependent;
import dev.jvisor.operator.dependent.NodeAccessClusterRoleDependent;
import dev.jvisor.operator.dependent.NodeAgentDaemonSetDependent;
import dev.jvisor.operator.dependent.RuntimeClassDependent;
import dev.jvisor.operator.dependent.SandboxOptionsConfigMapDependent;
import dev.jvisor.operator.dependent.ServiceAccountDependent;
import dev.jvisor.operator.node.NodeAggregator;
import dev.jvisor.operator.node.NodeContract;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.javaoperatorsdk.operator.api.config.informer.InformerEventSourceConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.Cleaner;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ControllerConfiguration;
import io.javaoperatorsdk.operator.api.reconciler.DeleteControl;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.EventSourceContext;
import io.javaoperatorsdk.operator.api.reconciler.MaxReconciliationInterval;
import io.javaoperatorsdk.operator.api.reconciler.Reconciler;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.Workflow;
import io.javaoperatorsdk.operator.api.reconciler.dependent.Dependent;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.javaoperatorsdk.operator.processing.event.rate.RateLimited;
import io.javaoperatorsdk.operator.processing.event.source.EventSource;
import io.javaoperatorsdk.operator.processing.event.source.informer.InformerEventSource;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Makes the cluster match a SandboxRuntime. The dependents are declared below; the workflow is invoked explicitly
 * because a SandboxRuntime that loses a name conflict must change nothing at all.
 */
@Singleton
@ControllerConfiguration(name = SandboxRuntimeReconciler.NAME, finalizerName = SandboxRuntimeReconciler.FINALIZER,
        maxReconciliationInterval = @MaxReconciliationInterval(interval = 10, timeUnit = TimeUnit.MINUTES))
// Node reports arrive in bursts (every node of a rollout, for every SandboxRuntime); events that come while a
// SandboxRuntime is rate-limited coalesce into one later reconciliation instead of one status write each.
@RateLimited(maxReconciliations = 1, within = 2, unit = TimeUnit.SECONDS)
@Workflow(explicitInvocation = true, dependents = {
    @Dependent(name = "serviceaccount", type = ServiceAccountDependent.class),
    @Dependent(name = "clusterrole", type = NodeAccessClusterRoleDependent.class),
    @Dependent(name = "clusterrolebinding", type = NodeAccessClusterRoleBindingDependent.class,
            dependsOn = {"clusterrole", "serviceaccount"}),
    @Dependent(name = "role", type = ConfigMapReaderRoleDependent.class),
    @Dependent(name = "rolebinding", type = ConfigMapReaderRoleBindingDependent.class,
            dependsOn = {"role", "serviceaccount"}),
    @Dependent(name = "configmap", type = SandboxOptionsConfigMapDependent.class),
    @Dependent(name = "daemonset", type = NodeAgentDaemonSetDependent.class,
            dependsOn = {"configmap", "clusterrolebinding", "rolebinding"}),
    @Dependent(name = "runtimeclass", type = RuntimeClassDependent.class),
})
public class SandboxRuntimeReconciler implements Reconciler<SandboxRuntime>, Cleaner<SandboxRuntime> {
    public static final String NAME = "sandboxruntime";
    public static final String FINALIZER = "jvisor.dev/uninstall";
    static final String NODE_EVENT_SOURCE = "nodes";

    private final OperatorSettings settings;
    private final OperatorMetrics metrics;
    private final EventRecorder events;
    private final Uninstaller uninstaller;

    @Inject
    public SandboxRuntimeReconciler(OperatorSettings settings, OperatorMetrics metrics) {
        this.settings = settings;
        this.metrics = metrics;
        this.events = new EventRecorder(settings.eventNamespace());
        this.uninstaller = new Uninstaller(settings, events, metrics);
    }

    @Override
    public UpdateControl<SandboxRuntime> reconcile(SandboxRuntime r, Context<SandboxRuntime> context) {
        Instant now = Instant.now();
        Optional<String> conflict = ConflictDetector.conflictOf(r, context.getPrimaryCache().list())
                .or(() -> foreignRuntimeClass(r, context));
        if (conflict.isPresent()) {
            metrics.reconciled(OperatorMetrics.Result.conflict);
            return publish(r, context, StatusCalculator.conflicted(r, conflict.get(), now))
                    .rescheduleAfter(settings.conflictRecheckInterval());
        }
        AgentObjects.putSettings(context, settings);
        context.managedWorkflowAndDependentResourceContext().reconcileManagedWorkflow()
                .throwAggregateExceptionIfErrorsPresent();
        var nodes = NodeAggregator.aggregate(r.getMetadata().getName(), r.getSpec().getNodeSelector(),
                allNodes(context));
        metrics.nodes(r.getMetadata().getName(), nodes.counts());
        metrics.reconciled(OperatorMetrics.Result.installed);
        var rollout = AgentRollout.of(context.getSecondaryResource(DaemonSet.class));
        return publish(r, context, StatusCalculator.installed(r, nodes, rollout, now));
    }

    /**
     * A RuntimeClass of the same name that this SandboxRuntime does not own (gVisor's own "gvisor", say) is never
     * taken over: overwriting it would reroute someone else's pods. Only asked when our informer has none.
     */
    private static Optional<String> foreignRuntimeClass(SandboxRuntime r, Context<SandboxRuntime> context) {
        if (context.getSecondaryResource(RuntimeClass.class).isPresent()) {
            return Optional.empty();
        }
        String name = r.getSpec().getRuntimeClassName();
        return Optional.ofNullable(context.getClient().resources(RuntimeClass.class).withName(name).get())
                .filter(rc -> !AgentObjects.ownedBy(rc, r))
                .map(rc -> "RuntimeClass \"" + name + "\" already exists and is not managed by this SandboxRuntime "
                        + "(handler " + rc.getHandler() + "); delete it or choose another spec.runtimeClassName");
    }

    @Override
    public DeleteControl cleanup(SandboxRuntime r, Context<SandboxRuntime> context) {
        return uninstaller.cleanup(r, context);
    }

    @Override
    public ErrorStatusUpdateControl<SandboxRuntime> updateErrorStatus(SandboxRuntime r, Context<SandboxRuntime> context,
            Exception e) {
        metrics.failed();
        events.record(context.getClient(), r, EventRecorder.Type.Warning, "ReconcileError",
                e.getClass().getSimpleName() + ": " + e.getMessage());
        r.setStatus(StatusCalculator.reconcileError(r, e, Instant.now()));
        return ErrorStatusUpdateControl.patchStatus(r);
    }

    /**
     * Node events reach every SandboxRuntime (which of them selects a node depends on each spec); only changes to
     * labels or to our annotations count, so kubelet heartbeats cost nothing.
     */
    @Override
    public List<EventSource<?, SandboxRuntime>> prepareEventSources(EventSourceContext<SandboxRuntime> context) {
        var config = InformerEventSourceConfiguration.from(Node.class, SandboxRuntime.class)
                .withName(NODE_EVENT_SOURCE)
                .withSecondaryToPrimaryMapper(node -> context.getPrimaryCache().list().map(ResourceID::fromResource)
                        .collect(Collectors.toSet()))
                .withOnUpdateFilter((updated, old) -> !Objects.equals(updated.getMetadata().getLabels(),
                        old.getMetadata().getLabels()) || !jvisorAnnotations(updated).equals(jvisorAnnotations(old)))
                .build();
        return List.of(new InformerEventSource<>(config, context));
    }

    /**
     * Every Node in the informer cache. Not getSecondaryResources: that index is built when a node event is mapped,
     * so nodes that existed before a SandboxRuntime was created would be missing from it.
     */
    @SuppressWarnings("unchecked")
    static List<Node> allNodes(Context<SandboxRuntime> context) {
        var source = (InformerEventSource<Node, SandboxRuntime>) context.eventSourceRetriever()
                .getEventSourceFor(Node.class, NODE_EVENT_SOURCE);
        return source.list(n -> true).toList();
    }

    private static Map<String, String> jvisorAnnotations(Node node) {
        Map<String, String> all = node.getMetadata().getAnnotations();
        if (all == null) {
            return Map.of();
        }
        return all.entrySet().stream().filter(e -> e.getKey().startsWith(NodeContract.PREFIX))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
    }

    /** Writes the status only when it changed, with an Event for every phase change and every newly failed node. */
    private UpdateControl<SandboxRuntime> publish(SandboxRuntime r, Context<SandboxRuntime> context,
            SandboxRuntimeStatus status) {
        SandboxRuntimeStatus old = r.getStatus();
        if (StatusWriter.sameStatus(old, status)) {
            return UpdateControl.noUpdate();
        }
        if (old == null || old.getPhase() != status.getPhase()) {
            String message = status.getConditions().stream()
                    .filter(c -> "True".equals(c.getStatus()) || Conditions.READY.equals(c.getType()))
                    .map(c -> c.getType() + "=" + c.getStatus() + " (" + c.getReason() + "): " + c.getMessage())
                    .collect(Collectors.joining("; "));
            events.record(context.getClient(), r, status.getPhase() == dev.jvisor.operator.api.v1alpha1.RuntimePhase.Degraded
                    ? EventRecorder.Type.Warning : EventRecorder.Type.Normal, status.getPhase().name(), message);
        }
        Map<String, NodePhase> before = old == null ? Map.of() : old.getNodes().stream()
                .collect(Collectors.toMap(NodeStatus::getName, NodeStatus::getPhase, (a, b) -> a));
        for (NodeStatus node : status.getNodes()) {
            if (node.getPhase() == NodePhase.Failed && before.get(node.getName()) != NodePhase.Failed) {
                events.record(context.getClient(), r, EventRecorder.Type.Warning, "NodeFailed",
                        node.getName() + ": " + node.getMessage());
            }
        }
        r.setStatus(status);
        return UpdateControl.patchStatus(r);
    }
}
