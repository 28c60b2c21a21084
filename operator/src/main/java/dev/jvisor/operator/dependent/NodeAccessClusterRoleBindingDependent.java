package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleRefBuilder;
import io.fabric8.kubernetes.api.model.rbac.SubjectBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Binds the node-access ClusterRole to the node-agent's ServiceAccount. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class NodeAccessClusterRoleBindingDependent
        extends CRUDKubernetesDependentResource<ClusterRoleBinding, SandboxRuntime> {
    public NodeAccessClusterRoleBindingDependent() {
        super(ClusterRoleBinding.class);
    }

    @Override
    protected ClusterRoleBinding desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        String name = AgentObjects.agentName(r);
        return new ClusterRoleBindingBuilder()
                .withMetadata(AgentObjects.clusterScoped(r, name).build())
                .withRoleRef(new RoleRefBuilder().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                        .withName(name).build())
                .withSubjects(new SubjectBuilder().withKind("ServiceAccount").withName(name)
                        .withNamespace(AgentObjects.settings(context).namespace()).build())
                .build();
    }
}
