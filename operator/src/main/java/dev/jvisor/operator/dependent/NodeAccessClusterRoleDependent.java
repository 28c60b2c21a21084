package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBuilder;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/**
 * What the node-agent may do cluster-wide: read and patch Nodes (its label and annotations). Nodes are
 * cluster-scoped, so this cannot be a Role; RBAC cannot narrow it to the agent's own node (a NodeRestriction-style
 * admission policy could, see docs/operator.md).
 */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class NodeAccessClusterRoleDependent extends CRUDKubernetesDependentResource<ClusterRole, SandboxRuntime> {
    public NodeAccessClusterRoleDependent() {
        super(ClusterRole.class);
    }

    @Override
    protected ClusterRole desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        return new ClusterRoleBuilder()
                .withMetadata(AgentObjects.clusterScoped(r, AgentObjects.agentName(r)).build())
                .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("nodes")
                        .withVerbs("get", "patch").build())
                .build();
    }
}
