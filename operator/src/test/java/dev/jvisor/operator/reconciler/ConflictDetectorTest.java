package dev.jvisor.operator.reconciler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class ConflictDetectorTest {
    static SandboxRuntime sbr(String name, String created, String runtimeClass, String handler) {
        SandboxRuntime r = new SandboxRuntime();
        r.setMetadata(new ObjectMetaBuilder().withName(name).withCreationTimestamp(created).build());
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setRuntimeClassName(runtimeClass);
        spec.setHandler(handler);
        r.setSpec(spec);
        return r;
    }

    @Test
    void theOlderClaimWinsAndTheNewerIsToldWhoHoldsTheName() {
        var old = sbr("old", "2026-11-28T10:00:00Z", "gvisor", "jvisor");
        var young = sbr("young", "2026-11-28T11:00:00Z", "gvisor", "jvisor-2");
        assertThat(ConflictDetector.conflictOf(old, Stream.of(old, young))).isEmpty();
        assertThat(ConflictDetector.conflictOf(young, Stream.of(old, young))).hasValueSatisfying(m -> assertThat(m)
                .startsWith("runtimeClassName \"gvisor\" is already claimed by SandboxRuntime \"old\""));
    }

    @Test
    void aSharedHandlerConflictsTooAndTiesGoToTheSmallerName() {
        var a = sbr("a", "2026-11-28T10:00:00Z", "gvisor-a", "jvisor");
        var b = sbr("b", "2026-11-28T10:00:00Z", "gvisor-b", "jvisor");
        assertThat(ConflictDetector.conflictOf(a, Stream.of(a, b))).isEmpty();
        assertThat(ConflictDetector.conflictOf(b, Stream.of(a, b))).hasValueSatisfying(m -> assertThat(m)
                .startsWith("handler \"jvisor\" is already claimed by SandboxRuntime \"a\""));
    }

    @Test
    void distinctNamesAndHandlersDoNotConflict() {
        var a = sbr("a", "2026-11-28T10:00:00Z", "gvisor", "jvisor");
        var b = sbr("b", "2026-11-28T11:00:00Z", "gvisor-debug", "jvisor-debug");
        assertThat(ConflictDetector.conflictOf(b, Stream.of(a, b))).isEmpty();
    }
}
