package dev.jvisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Event;
import java.util.List;

/** Event lookups shared by the controller tests. */
final class ClusterEvents {
    private ClusterEvents() {
    }

    static List<Event> eventsFor(MockCluster cluster, String sandboxRuntime) {
        return cluster.client.v1().events().inNamespace("default").list().getItems().stream()
                .filter(e -> sandboxRuntime.equals(e.getInvolvedObject().getName())).toList();
    }
}
