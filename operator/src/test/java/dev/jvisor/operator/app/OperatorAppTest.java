package dev.jvisor.operator.app;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeSpec;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The packaged application against fabric8's CRUD mock server (CRD installed first): the StartGate lets the
 * operator start, the
 * reconciler is wired with its settings, leader election takes the Lease, and health and Prometheus endpoints
 * answer.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = OperatorAppTest.LeaseAccess.class)
class OperatorAppTest {
    /**
     * Leader election first asks the API server (SelfSubjectRulesReview) whether it may use Leases; the CRUD mock
     * cannot answer that, so this expectation answers yes. Everything else is served by the CRUD store.
     */
    public static class LeaseAccess implements Consumer<KubernetesServer> {
        @Override
        public void accept(KubernetesServer server) {
            var review = new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata().withNewStatus()
                    .withIncomplete(false)
                    .addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                    .withVerbs("get", "create", "update").endResourceRule()
                    .endStatus().build();
            server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                    .andReturn(201, review).always();
            // The StartGate refuses to start without the CRD, as it would in a real cluster.
            Path crd = Path.of(System.getProperty("jvisor.crd.dir", "../crds"), SandboxRuntime.CRD_NAME + "-v1.yml");
            server.getClient().apiextensions().v1().customResourceDefinitions().load(crd.toFile()).create();
        }
    }

    @Inject
    KubernetesClient client;

    @Test
    void theApplicationReconcilesAndServesHealthAndMetrics() throws Exception {
        SandboxRuntime r = new SandboxRuntime();
        r.setMetadata(new ObjectMetaBuilder().withName("app").build());
        r.setSpec(new SandboxRuntimeSpec());
        client.resource(r).create();

        RuntimeClass rc = await().atMost(Duration.ofSeconds(30))
                .until(() -> client.resources(RuntimeClass.class).withName("gvisor").get(), c -> c != null);
        assertThat(rc.getHandler()).isEqualTo("jvisor");
        var ds = await().atMost(Duration.ofSeconds(10)).until(() -> client.apps().daemonSets()
                .inNamespace("jvisor-system").withName("jvisor-node-agent-app").get(), d -> d != null);
        assertThat(ds.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .as("default image follows the operator version").isEqualTo("ghcr.io/jvisor/node-agent:0.1.0-SNAPSHOT");

        var lease = client.leases().inNamespace("jvisor-system").withName("jvisor-operator-leader").get();
        assertThat(lease).as("leader election holds a Lease, so a second replica waits").isNotNull();
        assertThat(lease.getSpec().getHolderIdentity()).isNotBlank();

        given().get("/q/health/live").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/health/ready").then().statusCode(200));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> given().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvisor_operator_reconciles_total{result=\"installed\"}"))
                .body(containsString("jvisor_operator_nodes{"))
                .body(containsString("jvisor_operator_reconcile_errors_total")));
    }
}
