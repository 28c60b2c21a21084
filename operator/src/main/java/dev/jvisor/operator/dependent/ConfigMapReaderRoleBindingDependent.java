package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Binds the ConfigMap-reader Role to the node-agent's ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class ConfigMapReaderRoleBindingDependent extends CRUDKubernetesDependentResource<RoleBinding, SandboxRuntime> {
    public ConfigMapReaderRoleBindingDependent() {
        super(RoleBinding.class);
    }

    @Override
    protected RoleBinding desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        String name = AgentObjects.agentName(r);
        String namespace = AgentObjects.settings(context).namespace();
        return new RoleBindingBuilder()
                .withMetadata(AgentObjects.namespaced(r, name, AgentObjects.settings(context)).build())
                .withRoleRef(new RoleRefBuilder().withApiGroup("rbac.authorization.k8s.io").withKind("Role")
                        .withName(name).build())
                .withSubjects(new SubjectBuilder().withKind("ServiceAccount").withName(name).withNamespace(namespace)
                        .build())
                .build();
    }
}
