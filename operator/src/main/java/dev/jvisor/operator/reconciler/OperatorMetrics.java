package dev.jvisor.operator.reconciler;

import dev.jvisor.operator.api.v1alpha1.NodeCounts;
import dev.jvisor.operator.api.v1alpha1.NodePhase;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Prometheus metrics: {@code jvisor_operator_reconciles_total{result}}, {@code jvisor_operator_reconcile_errors_total}
 * and the gauge {@code jvisor_operator_nodes{sandboxruntime,phase}}.
 */
public final class OperatorMetrics {
    static final String RECONCILES = "jvisor.operator.reconciles";
    static final String ERRORS = "jvisor.operator.reconcile.errors";
    static final String NODES = "jvisor.operator.nodes";

    /** Outcome of one reconciliation. */
    public enum Result { installed, conflict, uninstalling, uninstalled }

    private final MeterRegistry registry;
    private final Map<String, Map<NodePhase, AtomicInteger>> nodes = new ConcurrentHashMap<>();

    public OperatorMetrics(MeterRegistry registry) {
        this.registry = registry;
        Counter.builder(ERRORS).description("Reconciliations that failed").register(registry);
    }

    void reconciled(Result result) {
        Counter.builder(RECONCILES).description("Reconciliations by outcome").tag("result", result.name())
                .register(registry).increment();
    }

    void failed() {
        registry.counter(ERRORS).increment();
    }

    void nodes(String sandboxRuntime, NodeCounts counts) {
        Map<NodePhase, AtomicInteger> gauges = nodes.computeIfAbsent(sandboxRuntime, this::register);
        gauges.get(NodePhase.Pending).set(counts.getPending());
        gauges.get(NodePhase.Installing).set(counts.getInstalling());
        gauges.get(NodePhase.Ready).set(counts.getReady());
        gauges.get(NodePhase.Failed).set(counts.getFailed());
        gauges.get(NodePhase.Uninstalling).set(counts.getUninstalling());
    }

    void forget(String sandboxRuntime) {
        if (nodes.remove(sandboxRuntime) != null) {
            for (NodePhase phase : NodePhase.values()) {
                var gauge = registry.find(NODES).tags(Tags.of("sandboxruntime", sandboxRuntime, "phase", phase.name()))
                        .gauge();
                if (gauge != null) {
                    registry.remove(gauge);
                }
            }
        }
    }

    private Map<NodePhase, AtomicInteger> register(String sandboxRuntime) {
        Map<NodePhase, AtomicInteger> gauges = new EnumMap<>(NodePhase.class);
        for (NodePhase phase : NodePhase.values()) {
            if (phase == NodePhase.Uninstalled) {
                continue; // counted with Uninstalling, as in status.nodeCounts
            }
            AtomicInteger value = new AtomicInteger();
            Gauge.builder(NODES, value, AtomicInteger::get).description("Nodes per phase")
                    .tags("sandboxruntime", sandboxRuntime, "phase", phase.name()).register(registry);
            gauges.put(phase, value);
        }
        return gauges;
    }
}
