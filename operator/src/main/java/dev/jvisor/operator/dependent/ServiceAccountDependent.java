package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** The node-agent's identity; its rights come from the ClusterRole and Role bound to it. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class ServiceAccountDependent extends CRUDKubernetesDependentResource<ServiceAccount, SandboxRuntime> {
    public ServiceAccountDependent() {
        super(ServiceAccount.class);
    }

    @Override
    protected ServiceAccount desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        return new ServiceAccountBuilder()
                .withMetadata(AgentObjects.namespaced(r, AgentObjects.agentName(r), AgentObjects.settings(context)).build())
                .build();
    }
}
