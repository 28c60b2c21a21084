package dev.jvisor.operator.reconciler;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds a condition list with Kubernetes semantics: lastTransitionTime moves only when status flips, so an
 * unchanged situation produces an identical status and no write.
 */
final class Conditions {
    static final String READY = "Ready";
    static final String PROGRESSING = "Progressing";
    static final String DEGRADED = "Degraded";

    private final List<Condition> previous;
    private final long generation;
    private final Instant now;
    private final List<Condition> next = new ArrayList<>();

    Conditions(List<Condition> previous, Long generation, Instant now) {
        this.previous = previous == null ? List.of() : previous;
        this.generation = generation == null ? 0 : generation;
        this.now = now;
    }

    Conditions set(String type, boolean status, String reason, String message) {
        String value = status ? "True" : "False";
        String since = find(previous, type).filter(c -> value.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).orElse(now.toString());
        next.add(new ConditionBuilder().withType(type).withStatus(value).withReason(reason).withMessage(message)
                .withLastTransitionTime(since).withObservedGeneration(generation).build());
        return this;
    }

    List<Condition> build() {
        return List.copyOf(next);
    }

    static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty()
                : conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }
}
