package dev.jvisor.operator.app;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.Operator;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Starts the operator only after the API server answered and the CRD is installed. Without this the fabric8 client
 * retries ten times with backoff and the informers report the same failure many times over; with it, an unreachable
 * API server or a missing CRD gives one ERROR line saying what and where, and exit code 1, within the configured
 * timeout. (application.properties sets quarkus.operator-sdk.start-operator=false so that this class decides.)
 */
@Singleton
public class StartGate {
    private static final Logger LOG = Logger.getLogger(StartGate.class);
    static final int EXIT_CANNOT_START = 1;
    static final String CRD_FILE = "crds/" + SandboxRuntime.CRD_NAME + "-v1.yml";

    void onStart(@Observes StartupEvent event, Operator operator, KubernetesClient client, OperatorConfig config) {
        String problem = check(client, config.startupCheckTimeout());
        if (problem != null) {
            LOG.error(problem + "; exiting");
            Quarkus.asyncExit(EXIT_CANNOT_START);
            return;
        }
        LOG.infof("API server %s reachable, CRD %s installed; starting the operator",
                client.getConfiguration().getMasterUrl(), SandboxRuntime.CRD_NAME);
        operator.start();
    }

    /**
     * One GET /version and one GET of the CRD, without retries; returns the one-line problem, or null when the
     * operator can start. A CRD read that RBAC forbids is not a problem: the informers will tell.
     */
    static String check(KubernetesClient client, Duration timeout) {
        String url = client.getConfiguration().getMasterUrl();
        int millis = (int) timeout.toMillis();
        var config = new ConfigBuilder(client.getConfiguration())
                .withRequestRetryBackoffLimit(0)
                .withConnectionTimeout(millis)
                .withRequestTimeout(millis)
                .build();
        try (KubernetesClient once = new KubernetesClientBuilder().withConfig(config).build()) {
            try {
                once.getKubernetesVersion();
            } catch (RuntimeException e) {
                return "cannot reach the Kubernetes API server at " + url + " within " + timeout + ": " + cause(e)
                        + " (check the in-cluster service account, KUBECONFIG or quarkus.kubernetes-client.api-server-url)";
            }
            try {
                if (once.apiextensions().v1().customResourceDefinitions().withName(SandboxRuntime.CRD_NAME).get() == null) {
                    return "the CustomResourceDefinition " + SandboxRuntime.CRD_NAME + " is not installed in the cluster at "
                            + url + " (the Helm chart installs it; or kubectl apply -f " + CRD_FILE + ")";
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                    return "cannot read the CustomResourceDefinition " + SandboxRuntime.CRD_NAME + " at " + url + ": "
                            + cause(e);
                }
                LOG.debugf("not allowed to read CRDs; skipping the CRD check: %s", e.getMessage());
            }
            return null;
        }
    }

    private static String cause(RuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String rootText = root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
        return root == e ? rootText : e.getClass().getSimpleName() + " caused by " + rootText;
    }
}
