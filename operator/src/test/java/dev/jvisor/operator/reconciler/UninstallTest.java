package dev.jvisor.operator.reconciler;

import static dev.jvisor.operator.reconciler.InstallTest.WAIT;
import static dev.jvisor.operator.reconciler.InstallTest.sandboxRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jvisor.operator.api.v1alpha1.RuntimePhase;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import dev.jvisor.operator.node.NodeContract;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Deleting a SandboxRuntime drives the finalizer to the end: clean, timed out, or held by pods. */
class UninstallTest {
    static final Duration TIMEOUT = Duration.ofSeconds(2);
    static MockCluster cluster;

    @BeforeAll
    static void start() {
        cluster = new MockCluster(MockCluster.settings().withUninstallTimeout(TIMEOUT, Duration.ofMillis(200)));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    /** Creates a SandboxRuntime on its own node pool and plays the agents until every node is Ready. */
    private static void installOn(String name, String... nodes) {
        for (String node : nodes) {
            cluster.addNode(node, Map.of("pool", name));
        }
        SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
        spec.setNodeSelector(Map.of("pool", name));
        spec.setRuntimeClassName("rc-" + name);
        spec.setHandler("h-" + name);
        cluster.client.resource(sandboxRuntime(name, spec)).create();
        for (String node : nodes) {
            cluster.report(node, name, "Ready", "verified");
        }
        await().atMost(WAIT).until(() -> cluster.get(name).getStatus(),
                s -> s != null && s.getPhase() == RuntimePhase.Ready);
    }

    private static void delete(String name) {
        cluster.client.resources(SandboxRuntime.class).withName(name).delete();
    }

    private static boolean uninstallRequested(String node, String name) {
        Map<String, String> a = cluster.node(node).getMetadata().getAnnotations();
        return a != null && "true".equals(a.get(NodeContract.uninstallAnnotation(name)));
    }

    @Test
    void deletionAsksEveryAgentToUninstallAndRemovesEverythingWhenAllReportClean() {
        installOn("clean", "clean-1", "clean-2");
        delete("clean");
        await().atMost(WAIT).until(() -> uninstallRequested("clean-1", "clean") && uninstallRequested("clean-2", "clean"));
        var status = await().atMost(WAIT).until(() -> cluster.get("clean").getStatus(),
                s -> s.getPhase() == RuntimePhase.Uninstalling);
        assertThat(status.getUninstall().getStartedAt()).isNotNull();
        assertThat(cluster.client.resources(RuntimeClass.class).withName("rc-clean").get())
                .as("kept until the nodes are clean").isNotNull();

        cluster.report("clean-1", "clean", "Uninstalled", "removed /opt/jvisor, restored config.toml");
        cluster.report("clean-2", "clean", "Uninstalled", "removed /opt/jvisor, restored config.toml");
        await().atMost(WAIT).until(() -> cluster.get("clean") == null);

        assertThat(cluster.client.resources(RuntimeClass.class).withName("rc-clean").get()).isNull();
        assertThat(cluster.client.apps().daemonSets().inNamespace(MockCluster.NAMESPACE)
                .withName("jvisor-node-agent-clean").get()).isNull();
        assertThat(cluster.client.rbac().clusterRoles().withName("jvisor-node-agent-clean").get()).isNull();
        assertThat(cluster.client.configMaps().inNamespace(MockCluster.NAMESPACE).withName("jvisor-sandbox-clean").get())
                .isNull();
        for (String n : new String[] {"clean-1", "clean-2"}) {
            Node node = cluster.node(n);
            assertThat(node.getMetadata().getLabels()).doesNotContainKey("jvisor.dev/clean").containsEntry("pool", "clean");
            assertThat(node.getMetadata().getAnnotations()).doesNotContainKeys("jvisor.dev/clean.status",
                    "jvisor.dev/clean.uninstall");
        }
        assertThat(ClusterEvents.eventsFor(cluster, "clean")).extracting(Event::getReason)
                .contains("UninstallStarted", "Uninstalled");
    }

    @Test
    void aNodeThatDoesNotAnswerInTimeIsNamedAndTheOperatorDoesNotHang() {
        installOn("lag", "lag-1", "lag-2");
        long start = System.nanoTime();
        delete("lag");
        await().atMost(WAIT).until(() -> uninstallRequested("lag-2", "lag"));
        cluster.report("lag-1", "lag", "Uninstalled", "clean");
        cluster.report("lag-2", "lag", "Uninstalling", "waiting for containerd to restart");

        await().atMost(TIMEOUT.plus(WAIT)).until(() -> cluster.get("lag") == null);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("bounded by the timeout plus a poll").isBetween(TIMEOUT, TIMEOUT.plus(Duration.ofSeconds(8)));

        Event timedOut = ClusterEvents.eventsFor(cluster, "lag").stream()
                .filter(e -> "UninstallTimedOut".equals(e.getReason())).findFirst().orElseThrow();
        assertThat(timedOut.getType()).isEqualTo("Warning");
        assertThat(timedOut.getMessage()).contains("lag-2 (Uninstalling: waiting for containerd to restart)")
                .doesNotContain("lag-1");
        assertThat(cluster.client.resources(RuntimeClass.class).withName("rc-lag").get()).isNull();
        assertThat(cluster.node("lag-2").getMetadata().getLabels()).doesNotContainKey("jvisor.dev/lag");
    }

    @Test
    void podsStillUsingTheRuntimeClassHoldTheUninstallAndAreNamed() {
        installOn("held", "held-1");
        cluster.addPod("shop", "checkout-0", "rc-held");
        cluster.addPod("shop", "other-runtime", "runc");
        delete("held");

        var status = await().atMost(WAIT).until(() -> cluster.get("held").getStatus(),
                s -> s.getUninstall() != null && !s.getUninstall().getHeldByPods().isEmpty());
        assertThat(status.getUninstall().getHeldByPods()).containsExactly("shop/checkout-0");
        assertThat(status.getUninstall().getStartedAt()).as("the clock has not started").isNull();
        var ready = Conditions.find(status.getConditions(), "Ready").orElseThrow();
        assertThat(ready.getReason()).isEqualTo("UninstallHeld");
        assertThat(ready.getMessage()).contains("shop/checkout-0").contains("rc-held");
        // Held well past the uninstall timeout: the pods, not the clock, decide; nothing was touched.
        await().pollDelay(TIMEOUT.plusMillis(500)).atMost(WAIT).until(() -> true);
        assertThat(cluster.get("held")).isNotNull();
        assertThat(uninstallRequested("held-1", "held")).isFalse();

        cluster.client.pods().inNamespace("shop").withName("checkout-0").delete();
        await().atMost(WAIT).until(() -> uninstallRequested("held-1", "held"));
        cluster.report("held-1", "held", "Uninstalled", "clean");
        await().atMost(WAIT).until(() -> cluster.get("held") == null);
        assertThat(ClusterEvents.eventsFor(cluster, "held")).extracting(Event::getReason)
                .contains("UninstallHeld", "UninstallStarted", "Uninstalled");
    }
}
