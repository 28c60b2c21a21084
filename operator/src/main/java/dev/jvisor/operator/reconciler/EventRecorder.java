package dev.jvisor.operator.reconciler;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Writes core/v1 Events about a SandboxRuntime, so {@code kubectl describe sbr} shows its history. An Event that
 * cannot be written is logged and dropped: it must never fail a reconciliation.
 */
final class EventRecorder {
    private static final Logger LOG = Logger.getLogger(EventRecorder.class);
    static final String COMPONENT = "jvisor-operator";
    /** Kubernetes rejects longer Event messages. */
    static final int MAX_MESSAGE = 1024;

    enum Type { Normal, Warning }

    private final String namespace;

    EventRecorder(String namespace) {
        this.namespace = namespace;
    }

    void record(KubernetesClient client, SandboxRuntime r, Type type, String reason, String message) {
        String text = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE - 3) + "..." : message;
        String now = Instant.now().toString();
        var event = new EventBuilder()
                .withNewMetadata()
                .withName(r.getMetadata().getName() + "." + UUID.randomUUID().toString().substring(0, 13))
                .withNamespace(namespace)
                .endMetadata()
                .withInvolvedObject(new ObjectReferenceBuilder().withApiVersion(r.getApiVersion())
                        .withKind(r.getKind()).withName(r.getMetadata().getName()).withUid(r.getMetadata().getUid())
                        .build())
                .withType(type.name())
                .withReason(reason)
                .withMessage(text)
                .withFirstTimestamp(now)
                .withLastTimestamp(now)
                .withCount(1)
                .withReportingComponent(COMPONENT)
                .withNewSource().withComponent(COMPONENT).endSource()
                .build();
        LOG.infof("sandboxruntime=%s event=%s reason=%s message=%s", r.getMetadata().getName(), type, reason, text);
        try {
            client.v1().events().inNamespace(namespace).resource(event).create();
        } catch (KubernetesClientException e) {
            LOG.warnf("sandboxruntime=%s could not record event %s: %s", r.getMetadata().getName(), reason,
                    e.getMessage());
        }
    }
}
