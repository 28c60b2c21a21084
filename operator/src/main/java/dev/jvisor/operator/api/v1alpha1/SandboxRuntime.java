package dev.jvisor.operator.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A jvisor installation: one RuntimeClass plus the node-agent DaemonSet that puts the runtime on the selected nodes.
 *
 * <p>Cluster-scoped (it does not implement {@code Namespaced}) because RuntimeClasses and Nodes are. The name is
 * embedded in node label and annotation keys ({@code jvisor.dev/<name>.uninstall}) and in object names
 * ({@code jvisor-node-agent-<name>}), hence the length limit enforced by the CEL rule below.
 */
@Group(SandboxRuntime.GROUP)
@Version(SandboxRuntime.VERSION)
@Kind("SandboxRuntime")
@Plural("sandboxruntimes")
@Singular("sandboxruntime")
@ShortNames("sbr")
@AdditionalPrinterColumn(name = "Ready", type = AdditionalPrinterColumn.Type.STRING,
        jsonPath = ".status.conditions[?(@.type==\"Ready\")].status")
@AdditionalPrinterColumn(name = "Phase", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.phase")
@AdditionalPrinterColumn(name = "Nodes", type = AdditionalPrinterColumn.Type.STRING, jsonPath = ".status.readyNodes",
        getDescription = "ready nodes / selected nodes")
@AdditionalPrinterColumn(name = "RuntimeClass", type = AdditionalPrinterColumn.Type.STRING, priority = 1,
        jsonPath = ".spec.runtimeClassName")
@AdditionalPrinterColumn(name = "Age", type = AdditionalPrinterColumn.Type.DATE, jsonPath = ".metadata.creationTimestamp")
@ValidationRule(value = "self.metadata.name.size() <= 40 && self.metadata.name.matches('" + Defaults.DNS1123_LABEL + "')",
        message = "metadata.name must be a DNS-1123 label of at most 40 characters: it becomes part of node label keys "
                + "(jvisor.dev/<name>) and object names (jvisor-node-agent-<name>)")
public class SandboxRuntime extends CustomResource<SandboxRuntimeSpec, SandboxRuntimeStatus> {
    public static final String GROUP = "jvisor.dev";
    public static final String VERSION = "v1alpha1";
    public static final String CRD_NAME = "sandboxruntimes.jvisor.dev";

    @Override
    protected SandboxRuntimeSpec initSpec() {
        return new SandboxRuntimeSpec();
    }

    @Override
    protected SandboxRuntimeStatus initStatus() {
        return new SandboxRuntimeStatus();
    }
}
