package dev.jvisor.operator.dependent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * spec.sandbox as {@code sandbox.json}, mounted into the node-agent. The DaemonSet's pod template deliberately does
 * not hash this ConfigMap: a change must reach the nodes through the mounted file, not through a reinstall.
 */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class SandboxOptionsConfigMapDependent extends CRUDKubernetesDependentResource<ConfigMap, SandboxRuntime> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    public SandboxOptionsConfigMapDependent() {
        super(ConfigMap.class);
    }

    @Override
    protected ConfigMap desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        return new ConfigMapBuilder()
                .withMetadata(AgentObjects.namespaced(r, AgentObjects.configMapName(r), AgentObjects.settings(context))
                        .build())
                .withData(Map.of(AgentObjects.SANDBOX_OPTIONS_KEY, sandboxJson(r)))
                .build();
    }

    /** The file the node-agent reads: every option spelled out, defaults included, keys in a stable order. */
    public static String sandboxJson(SandboxRuntime r) {
        var sandbox = r.getSpec().getSandbox();
        Map<String, Object> options = new LinkedHashMap<>();
        options.put("debug", sandbox.getDebug());
        options.put("handler", r.getSpec().getHandler());
        options.put("kernelRelease", sandbox.getKernelRelease());
        options.put("memoryOverhead", sandbox.getMemoryOverhead());
        options.put("strace", sandbox.getStrace());
        try {
            return JSON.writeValueAsString(options);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise sandbox options", e);
        }
    }
}
