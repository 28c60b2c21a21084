package dev.jvisor.operator.reconciler;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Two SandboxRuntimes may coexist with different RuntimeClass names and handlers. When they claim the same one, the
 * older (creationTimestamp, then name) keeps it and the newer changes nothing and reports why.
 */
final class ConflictDetector {
    /** Oldest first; RFC 3339 timestamps in UTC sort lexically. */
    static final Comparator<SandboxRuntime> PRECEDENCE = Comparator
            .comparing((SandboxRuntime r) -> String.valueOf(r.getMetadata().getCreationTimestamp()))
            .thenComparing(r -> r.getMetadata().getName());

    private ConflictDetector() {
    }

    /** The reason {@code self} must stand back, naming the SandboxRuntime that holds the claim; empty if none. */
    static Optional<String> conflictOf(SandboxRuntime self, Stream<SandboxRuntime> all) {
        return all.filter(o -> !o.getMetadata().getName().equals(self.getMetadata().getName()))
                .filter(o -> reason(self, o) != null)
                .filter(o -> PRECEDENCE.compare(o, self) < 0)
                .min(PRECEDENCE)
                .map(o -> reason(self, o));
    }

    private static String reason(SandboxRuntime self, SandboxRuntime other) {
        var mine = self.getSpec();
        var theirs = other.getSpec();
        if (mine.getRuntimeClassName().equals(theirs.getRuntimeClassName())) {
            return "runtimeClassName \"" + mine.getRuntimeClassName() + "\" is already claimed by SandboxRuntime \""
                    + other.getMetadata().getName() + "\"; this one changes nothing until that one is gone";
        }
        if (mine.getHandler().equals(theirs.getHandler())) {
            return "handler \"" + mine.getHandler() + "\" is already claimed by SandboxRuntime \""
                    + other.getMetadata().getName() + "\"; this one changes nothing until that one is gone";
        }
        return null;
    }
}
