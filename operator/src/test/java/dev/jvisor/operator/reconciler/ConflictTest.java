package dev.jvisor.operator.reconciler;

import static dev.jvisor.operator.reconciler.InstallTest.WAIT;
import static dev.jvisor.operator.reconciler.InstallTest.sandboxRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jvisor.operator.api.v1alpha1.RuntimePhase;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two SandboxRuntimes: distinct names coexist, a second claim on the same name is Degraded and changes nothing. */
class ConflictTest {
    static MockCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new MockCluster(MockCluster.settings());
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Test
    void aSecondClaimOnTheSameRuntimeClassIsDegradedNamingTheFirstAndChangesNothing() throws Exception {
        var first = cluster.client.resource(sandboxRuntime("first", new SandboxRuntimeSpec())).create();
        await().atMost(WAIT).until(() -> cluster.client.resources(RuntimeClass.class).withName("gvisor").get() != null);
        Thread.sleep(1100); // creationTimestamp has one-second resolution: make "first" strictly older

        SandboxRuntimeSpec same = new SandboxRuntimeSpec();
        same.setHandler("other-handler"); // same runtimeClassName "gvisor", different handler
        cluster.client.resource(sandboxRuntime("second", same)).create();

        var status = await().atMost(WAIT).until(() -> cluster.get("second").getStatus(),
                s -> s != null && s.getPhase() == RuntimePhase.Degraded);
        var degraded = Conditions.find(status.getConditions(), "Degraded").orElseThrow();
        assertThat(degraded.getReason()).isEqualTo("Conflict");
        assertThat(degraded.getMessage()).contains("runtimeClassName \"gvisor\"").contains("SandboxRuntime \"first\"");
        assertThat(status.getRuntimeClassNames()).isEmpty();

        // Changes nothing: the RuntimeClass still belongs to "first", no agent for "second".
        RuntimeClass rc = cluster.client.resources(RuntimeClass.class).withName("gvisor").get();
        assertThat(rc.getHandler()).isEqualTo("jvisor");
        assertThat(rc.getMetadata().getOwnerReferences()).singleElement()
                .satisfies(o -> assertThat(o.getUid()).isEqualTo(first.getMetadata().getUid()));
        assertThat(cluster.client.apps().daemonSets().inNamespace(MockCluster.NAMESPACE)
                .withName("jvisor-node-agent-second").get()).isNull();
        assertThat(cluster.client.configMaps().inNamespace(MockCluster.NAMESPACE)
                .withName("jvisor-sandbox-second").get()).isNull();

        // Deleting the loser undoes nothing of the winner's.
        cluster.client.resources(dev.jvisor.operator.api.v1alpha1.SandboxRuntime.class).withName("second").delete();
        await().atMost(WAIT).until(() -> cluster.get("second") == null);
        assertThat(cluster.client.resources(RuntimeClass.class).withName("gvisor").get()).isNotNull();
        assertThat(ClusterEvents.eventsFor(cluster, "second")).isNotEmpty();
    }

    @Test
    void distinctRuntimeClassNamesAndHandlersCoexist() {
        SandboxRuntimeSpec a = new SandboxRuntimeSpec();
        a.setRuntimeClassName("gvisor-debug");
        a.setHandler("jvisor-debug");
        cluster.client.resource(sandboxRuntime("debug", a)).create();
        await().atMost(WAIT).until(() -> cluster.client.resources(RuntimeClass.class).withName("gvisor-debug").get() != null);
        var status = await().atMost(WAIT).pollDelay(Duration.ofMillis(200)).until(() -> cluster.get("debug").getStatus(),
                s -> s != null && s.getPhase() != null);
        assertThat(status.getPhase()).isNotEqualTo(RuntimePhase.Degraded);
        assertThat(status.getRuntimeClassNames()).containsExactly("gvisor-debug");
    }

    @Test
    void aRuntimeClassSomeoneElseOwnsIsNeverTakenOver() {
        cluster.client.resource(new io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder().withNewMetadata()
                .withName("gvisor-runsc").endMetadata().withHandler("runsc").build()).create();
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setRuntimeClassName("gvisor-runsc");
        spec.setHandler("jvisor-x");
        cluster.client.resource(sandboxRuntime("takeover", spec)).create();

        var status = await().atMost(WAIT).until(() -> cluster.get("takeover").getStatus(),
                s -> s != null && s.getPhase() == RuntimePhase.Degraded);
        assertThat(Conditions.find(status.getConditions(), "Degraded").orElseThrow().getMessage())
                .isEqualTo("RuntimeClass \"gvisor-runsc\" already exists and is not managed by this SandboxRuntime "
                        + "(handler runsc); delete it or choose another spec.runtimeClassName");
        RuntimeClass rc = cluster.client.resources(RuntimeClass.class).withName("gvisor-runsc").get();
        assertThat(rc.getHandler()).isEqualTo("runsc");
        assertThat(rc.getMetadata().getOwnerReferences()).isEmpty();
        assertThat(cluster.client.apps().daemonSets().inNamespace(MockCluster.NAMESPACE)
                .withName("jvisor-node-agent-takeover").get()).isNull();
    }
}
