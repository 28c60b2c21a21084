package dev.jvisor.operator.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The start gate's checks, each giving one line that says what is wrong and where. */
class StartGateTest {
    static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void anUnreachableApiServerIsNamedWithTheCause() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(
                new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("https://127.0.0.1:" + port).build())
                .build()) {
            long start = System.nanoTime();
            String problem = StartGate.check(client, TIMEOUT);
            assertThat(problem).startsWith("cannot reach the Kubernetes API server at https://127.0.0.1:" + port)
                    .contains("Connection refused").doesNotContain("\n");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(TIMEOUT);
        }
    }

    @Test
    void aMissingCrdIsNamedWithHowToInstallIt() {
        KubernetesMockServer server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
                new io.fabric8.mockwebserver.MockWebServer(), new java.util.HashMap<>(),
                new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            assertThat(StartGate.check(client, TIMEOUT)).isEqualTo("the CustomResourceDefinition "
                    + SandboxRuntime.CRD_NAME + " is not installed in the cluster at " + client.getMasterUrl()
                    + " (the Helm chart installs it; or kubectl apply -f crds/sandboxruntimes.jvisor.dev-v1.yml)");

            Path crd = Path.of(System.getProperty("jvisor.crd.dir", "../crds"), SandboxRuntime.CRD_NAME + "-v1.yml");
            client.apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
            assertThat(StartGate.check(client, TIMEOUT)).isNull();
        } finally {
            server.destroy();
        }
    }
}
