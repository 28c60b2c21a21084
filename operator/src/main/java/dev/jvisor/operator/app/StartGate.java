package dev.jvisor.operator.app;

import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Starts the operator only after one bounded request to the API server succeeded. Without this the fabric8 client
 * retries ten times with backoff and the informers report the same failure many times over; with it, an unreachable
 * API server gives one ERROR line naming the URL and the cause, and exit code 1, within the configured timeout.
 * (application.properties sets quarkus.operator-sdk.start-operator=false so that this class decides.)
 */
@Singleton
public class StartGate {
    private static final Logger LOG = Logger.getLogger(StartGate.class);
    static final int EXIT_API_SERVER_UNREACHABLE = 1;

    void onStart(@Observes StartupEvent event, Operator operator, KubernetesClient client, OperatorConfig config) {
        String url = client.getConfiguration().getMasterUrl();
        String problem = probe(client, config.startupCheckTimeout());
        if (problem != null) {
            LOG.errorf("cannot reach the Kubernetes API server at %s within %s: %s (check the in-cluster service "
                    + "account, KUBECONFIG or quarkus.kubernetes-client.api-server-url); exiting", url,
                    config.startupCheckTimeout(), problem);
            Quarkus.asyncExit(EXIT_API_SERVER_UNREACHABLE);
            return;
        }
        LOG.infof("API server %s reachable; starting the operator", url);
        operator.start();
    }

    /** One GET /version without retries; returns a one-line cause, or null when the server answered. */
    static String probe(KubernetesClient client, Duration timeout) {
        int millis = (int) timeout.toMillis();
        var config = new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(millis)
                .withRequestTimeout(millis)
                .build();
        try (KubernetesClient once = new KubernetesClientBuilder().withConfig(config).build()) {
            once.getKubernetesVersion();
            return null;
        } catch (RuntimeException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String cause = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
            return root == e ? cause : e.getClass().getSimpleName() + " caused by " + cause;
        }
    }
}
