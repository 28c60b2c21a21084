package dev.jvisor.operator.reconciler;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntimeStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.jboss.logging.Logger;

/** Status comparison and the status writes the framework does not do for us (during deletion). */
final class StatusWriter {
    private static final Logger LOG = Logger.getLogger(StatusWriter.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusWriter() {
    }

    /** Structural equality through JSON: the status classes are plain data without equals(). */
    static boolean sameStatus(SandboxRuntimeStatus a, SandboxRuntimeStatus b) {
        return JSON.valueToTree(a).equals(JSON.valueToTree(b));
    }

    static void write(KubernetesClient client, SandboxRuntime r, SandboxRuntimeStatus status) {
        try {
            client.resources(SandboxRuntime.class).withName(r.getMetadata().getName()).editStatus(current -> {
                current.setStatus(status);
                return current;
            });
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                throw e;
            }
            LOG.debugf("sandboxruntime=%s is gone; status not written", r.getMetadata().getName());
        }
    }
}
