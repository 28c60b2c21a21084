package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.node.NodeContract;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClassBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;
import java.util.Map;

/**
 * The RuntimeClass pods name. Its scheduling.nodeSelector is the single label the node-agent sets only after it
 * verified the node, so the scheduler never sends a sandboxed pod to a node that is not ready (gpu-operator#991).
 */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class RuntimeClassDependent extends CRUDKubernetesDependentResource<RuntimeClass, SandboxRuntime> {
    public RuntimeClassDependent() {
        super(RuntimeClass.class);
    }

    @Override
    protected RuntimeClass desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        var spec = r.getSpec();
        String name = r.getMetadata().getName();
        return new RuntimeClassBuilder()
                .withMetadata(AgentObjects.clusterScoped(r, spec.getRuntimeClassName()).build())
                .withHandler(spec.getHandler())
                .withNewOverhead()
                .withPodFixed(Map.of("cpu", new Quantity(spec.getOverhead().getCpu()),
                        "memory", new Quantity(spec.getOverhead().getMemory())))
                .endOverhead()
                .withNewScheduling()
                .withNodeSelector(Map.of(NodeContract.readyLabel(name), NodeContract.READY_VALUE))
                .endScheduling()
                .build();
    }
}
