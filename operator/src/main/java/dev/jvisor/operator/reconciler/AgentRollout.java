package dev.jvisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.Optional;

/**
 * Where the node-agent DaemonSet's rollout stands (after an image change: the upgrade path). Incomplete while the
 * controller has not seen the newest spec or some scheduled pods still run the old template.
 */
record AgentRollout(long desired, long updated, boolean observed) {
    static final AgentRollout NONE = new AgentRollout(0, 0, true);

    static AgentRollout of(Optional<DaemonSet> daemonSet) {
        return daemonSet.filter(ds -> ds.getStatus() != null).map(ds -> {
            var s = ds.getStatus();
            Long generation = ds.getMetadata().getGeneration();
            boolean observed = generation == null || (s.getObservedGeneration() != null
                    && s.getObservedGeneration() >= generation);
            return new AgentRollout(valueOf(s.getDesiredNumberScheduled()), valueOf(s.getUpdatedNumberScheduled()),
                    observed);
        }).orElse(NONE);
    }

    boolean complete() {
        return observed && updated >= desired;
    }

    String describe() {
        return "node-agent rollout: " + updated + "/" + desired + " pods updated"
                + (observed ? "" : ", new DaemonSet spec not yet observed");
    }

    private static long valueOf(Integer i) {
        return i == null ? 0 : i;
    }
}
