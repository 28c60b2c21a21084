package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import io.fabric8.kubernetes.api.model.rbac.PolicyRuleBuilder;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBuilder;
import io.javaoperatorsdk.operator.api.config.informer.Informer;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.KubernetesDependent;

/** Lets the node-agent read its own sandbox-options ConfigMap, and nothing else in the namespace. */
@KubernetesDependent(informer = @Informer(labelSelector = AgentObjects.MANAGED_BY_SELECTOR))
public class ConfigMapReaderRoleDependent extends CRUDKubernetesDependentResource<Role, SandboxRuntime> {
    public ConfigMapReaderRoleDependent() {
        super(Role.class);
    }

    @Override
    protected Role desired(SandboxRuntime r, Context<SandboxRuntime> context) {
        return new RoleBuilder()
                .withMetadata(AgentObjects.namespaced(r, AgentObjects.agentName(r), AgentObjects.settings(context))
                        .build())
                .withRules(new PolicyRuleBuilder().withApiGroups("").withResources("configmaps")
                        .withResourceNames(AgentObjects.configMapName(r)).withVerbs("get").build())
                .build();
    }
}
