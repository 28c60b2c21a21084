package dev.jvisor.operator.dependent;

import dev.jvisor.operator.api.v1alpha1.SandboxRuntime;
import dev.jvisor.operator.config.OperatorSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import java.util.LinkedHashMap;
import java.util.Map;

/** Names and labels of the objects a SandboxRuntime owns, in one place so tests and docs agree with the code. */
public final class AgentObjects {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "jvisor-operator";
    /** Informers of the dependents only cache objects carrying this label. */
    public static final String MANAGED_BY_SELECTOR = MANAGED_BY + "=" + MANAGED_BY_VALUE;
    public static final String INSTANCE = "app.kubernetes.io/instance";
    public static final String COMPONENT = "app.kubernetes.io/name";
    public static final String AGENT_COMPONENT = "jvisor-node-agent";
    public static final String SANDBOX_RUNTIME_LABEL = "jvisor.dev/sandboxruntime";
    /** Key of the sandbox options in the ConfigMap, and the file name in the agent's mount. */
    public static final String SANDBOX_OPTIONS_KEY = "sandbox.json";
    public static final String SANDBOX_OPTIONS_DIR = "/etc/jvisor/sandbox";
    static final String SETTINGS_KEY = OperatorSettings.class.getName();

    private AgentObjects() {
    }

    /** DaemonSet, ServiceAccount, ClusterRole(Binding) and Role(Binding) share this name. */
    public static String agentName(SandboxRuntime r) {
        return "jvisor-node-agent-" + r.getMetadata().getName();
    }

    public static String configMapName(SandboxRuntime r) {
        return "jvisor-sandbox-" + r.getMetadata().getName();
    }

    /** Labels on every owned object; the first three also select the agent pods. */
    public static Map<String, String> labels(SandboxRuntime r) {
        Map<String, String> labels = new LinkedHashMap<>(selectorLabels(r));
        labels.put(MANAGED_BY, MANAGED_BY_VALUE);
        labels.put(SANDBOX_RUNTIME_LABEL, r.getMetadata().getName());
        return labels;
    }

    /** The DaemonSet's pod selector: immutable in Kubernetes, so never derived from anything mutable. */
    public static Map<String, String> selectorLabels(SandboxRuntime r) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(COMPONENT, AGENT_COMPONENT);
        labels.put(INSTANCE, r.getMetadata().getName());
        return labels;
    }

    /** Metadata of a namespaced owned object. */
    static ObjectMetaBuilder namespaced(SandboxRuntime r, String name, OperatorSettings settings) {
        return new ObjectMetaBuilder().withName(name).withNamespace(settings.namespace()).withLabels(labels(r));
    }

    /** Metadata of a cluster-scoped owned object. */
    static ObjectMetaBuilder clusterScoped(SandboxRuntime r, String name) {
        return new ObjectMetaBuilder().withName(name).withLabels(labels(r));
    }

    /** Hands the settings to the dependents for this reconciliation (explicit workflow invocation). */
    public static void putSettings(Context<SandboxRuntime> context, OperatorSettings settings) {
        context.managedWorkflowAndDependentResourceContext().put(SETTINGS_KEY, settings);
    }

    static OperatorSettings settings(Context<SandboxRuntime> context) {
        return context.managedWorkflowAndDependentResourceContext().getMandatory(SETTINGS_KEY, OperatorSettings.class);
    }

    /** True when {@code object} is owned (controller owner reference) by this SandboxRuntime. */
    public static boolean ownedBy(HasMetadata object, SandboxRuntime r) {
        return object.getMetadata().getOwnerReferences().stream()
                .anyMatch(o -> r.getMetadata().getUid() != null && r.getMetadata().getUid().equals(o.getUid()));
    }
}
