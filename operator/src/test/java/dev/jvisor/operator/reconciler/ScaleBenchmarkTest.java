package dev.jvisor.operator.reconciler;

import static dev.jvisor.operator.reconciler.InstallTest.sandboxRuntime;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jvisor.operator.api.v1alpha1.RuntimePhase;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import dev.jvisor.operator.node.NodeContract;
import dev.jvisor.operator.node.NodeReport;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Operator start, then N SandboxRuntimes over M nodes, against the CRUD mock server in this JVM. CI runs 10 x 50;
 * the documented run is {@code mvn -pl operator test -Dtest=ScaleBenchmarkTest -Djvisor.bench.runtimes=50
 * -Djvisor.bench.nodes=200}. Asserts the end state (every SandboxRuntime Ready with
 * every node listed) and writes time and memory to target/benchmarks/operator-scale.md (docs/benchmarks-operator.md
 * quotes a run). Memory is heap after GC of the whole JVM, which also holds the mock server's copy of every object.
 */
class ScaleBenchmarkTest {
    /** CI runs a smaller scale to stay inside the module's time budget; the documented run sets 50 and 200. */
    static final int RUNTIMES = Integer.getInteger("jvisor.bench.runtimes", 10);
    static final int NODES = Integer.getInteger("jvisor.bench.nodes", 50);
    static final Duration BOUND = Duration.ofMinutes(2);

    @Test
    void manySandboxRuntimesOnManyNodesAllBecomeReady() throws IOException {
        long heapBefore = heapAfterGc();
        try (MockCluster cluster = new MockCluster(MockCluster.settings(), false, true)) {
            for (int i = 0; i < NODES; i++) {
                cluster.addNode(node(i), Map.of("pool", "bench"));
            }
            long heapWithNodes = heapAfterGc();

            long t0 = System.nanoTime();
            cluster.startOperator();
            Duration start = since(t0);

            t0 = System.nanoTime();
            for (int i = 0; i < RUNTIMES; i++) {
                SandboxRuntimeSpec spec = new SandboxRuntimeSpec();
                spec.setRuntimeClassName("rc-" + i);
                spec.setHandler("h-" + i);
                cluster.client.resource(sandboxRuntime(runtime(i), spec)).create();
            }
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> allMatch(cluster,
                    s -> s.getStatus() != null && s.getStatus().getNodeCounts() != null
                            && s.getStatus().getNodeCounts().getTotal() == NODES));
            Duration installed = since(t0);
            assertThat(cluster.client.apps().daemonSets().inNamespace(MockCluster.NAMESPACE).list().getItems())
                    .hasSize(RUNTIMES);

            t0 = System.nanoTime();
            String now = Instant.now().toString();
            for (int n = 0; n < NODES; n++) {
                // One write per node carrying every runtime's report keeps the benchmark about the operator.
                cluster.client.nodes().withName(node(n)).edit(node -> {
                    if (node.getMetadata().getAnnotations() == null) {
                        node.getMetadata().setAnnotations(new HashMap<>());
                    }
                    for (int i = 0; i < RUNTIMES; i++) {
                        node.getMetadata().getLabels().put(NodeContract.readyLabel(runtime(i)), NodeContract.READY_VALUE);
                        node.getMetadata().getAnnotations().put(NodeContract.statusAnnotation(runtime(i)),
                                new NodeReport("Ready", "verified", "0.1.0", "1.6.20", now).toJson());
                    }
                    return node;
                });
            }
            Duration reportsWritten = since(t0);
            await().atMost(BOUND).pollInterval(Duration.ofMillis(200)).until(() -> allMatch(cluster,
                    s -> s.getStatus() != null && s.getStatus().getPhase() == RuntimePhase.Ready
                            && (NODES + "/" + NODES).equals(s.getStatus().getReadyNodes())));
            Duration ready = since(t0);
            long heapEnd = heapAfterGc();
            double reconciles = cluster.meters.find(OperatorMetrics.RECONCILES).counters().stream()
                    .mapToDouble(Counter::count).sum();

            String report = String.format("""
                    | measurement (%d SandboxRuntimes, %d nodes, mock API server in the same JVM) | value |
                    |---|---|
                    | operator start (informers synced, %d nodes cached) | %d ms |
                    | create %d SandboxRuntimes -> all dependents created, every status lists %d nodes | %d ms |
                    | %d node reports (all Ready) -> every SandboxRuntime Ready %d/%d (writing the reports: %d ms) | %d ms |
                    | reconciliations in total | %.0f |
                    | heap after GC: empty JVM / with %d nodes in the mock / at the end | %d / %d / %d MiB |
                    | JVM | %s %s, %d cores; load average at the end %s |
                    """, RUNTIMES, NODES, NODES, start.toMillis(), RUNTIMES, NODES, installed.toMillis(), NODES,
                    NODES, NODES, reportsWritten.toMillis(), ready.toMillis(), reconciles, NODES, mib(heapBefore), mib(heapWithNodes),
                    mib(heapEnd), System.getProperty("java.vm.name"), System.getProperty("java.version"),
                    Runtime.getRuntime().availableProcessors(), loadAverage());
            System.out.println(report);
            Path out = Path.of("target", "benchmarks", "operator-scale.md");
            Files.createDirectories(out.getParent());
            Files.writeString(out, report);
            assertThat(reconciles).isGreaterThanOrEqualTo(RUNTIMES);
        }
    }

    private static boolean allMatch(MockCluster cluster, java.util.function.Predicate<SandboxRuntime> p) {
        List<SandboxRuntime> all = cluster.client.resources(SandboxRuntime.class).list().getItems();
        return all.size() == RUNTIMES && all.stream().allMatch(p);
    }

    private static String node(int i) {
        return String.format("node-%03d", i);
    }

    private static String runtime(int i) {
        return "bench-" + i;
    }

    private static Duration since(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Other builds share this machine; the load says how much the numbers are worth. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long mib(long bytes) {
        return bytes / (1024 * 1024);
    }
}
