package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the user asks for. Every field is optional; nested objects default to {@code {}} so their defaults apply. */
public class SandboxRuntimeSpec {
    @JsonPropertyDescription("Name of the RuntimeClass pods select with runtimeClassName. Immutable.")
    @Default(Defaults.RUNTIME_CLASS_NAME)
    @Pattern(Defaults.DNS1123_SUBDOMAIN)
    @Size(max = 253)
    @ValidationRule(value = "self == oldSelf", message = "runtimeClassName is immutable: create a new SandboxRuntime")
    private String runtimeClassName = Defaults.RUNTIME_CLASS_NAME;

    @JsonPropertyDescription("containerd runtime handler name the node-agent registers (plugins...runtimes.<handler>). "
            + "Immutable, like RuntimeClass.handler.")
    @Default(Defaults.HANDLER)
    @Pattern(Defaults.DNS1123_LABEL)
    @Size(max = 63)
    @ValidationRule(value = "self == oldSelf", message = "handler is immutable: create a new SandboxRuntime")
    private String handler = Defaults.HANDLER;

    @JsonPropertyDescription("Pod overhead the RuntimeClass adds to every pod that uses it (overhead.podFixed).")
    @Default("{}")
    private Overhead overhead = new Overhead();

    @JsonPropertyDescription("Nodes that get the runtime. Empty selects every Linux node. Keys under jvisor.dev/ "
            + "are reserved: the node-agent sets them.")
    @ValidationRule(value = "self.all(k, !k.startsWith('jvisor.dev/'))",
            message = "nodeSelector must not use jvisor.dev/ keys: the node-agent sets those after installing")
    private Map<String, String> nodeSelector = new LinkedHashMap<>();

    @JsonPropertyDescription("Tolerations of the node-agent DaemonSet, for tainted nodes that should get the runtime.")
    private List<Toleration> tolerations = new ArrayList<>();

    @JsonPropertyDescription("The node-agent DaemonSet's container.")
    @Default("{}")
    private AgentSpec agent = new AgentSpec();

    @JsonPropertyDescription("How the node-agent finds and restarts containerd.")
    @Default("{}")
    private ContainerdSpec containerd = new ContainerdSpec();

    @JsonPropertyDescription("Options handed to every sandbox on the selected nodes. A change reaches the nodes "
            + "through a ConfigMap, without reinstalling.")
    @Default("{}")
    private SandboxOptions sandbox = new SandboxOptions();

    @JsonPropertyDescription("Rollout of the node-agent DaemonSet.")
    @Default("{}")
    private UpdateStrategy updateStrategy = new UpdateStrategy();

    public String getRuntimeClassName() { return runtimeClassName == null ? Defaults.RUNTIME_CLASS_NAME : runtimeClassName; }
    public void setRuntimeClassName(String runtimeClassName) { this.runtimeClassName = runtimeClassName; }
    public String getHandler() { return handler == null ? Defaults.HANDLER : handler; }
    public void setHandler(String handler) { this.handler = handler; }
    public Overhead getOverhead() { return overhead == null ? new Overhead() : overhead; }
    public void setOverhead(Overhead overhead) { this.overhead = overhead; }
    public Map<String, String> getNodeSelector() { return nodeSelector == null ? Map.of() : nodeSelector; }
    public void setNodeSelector(Map<String, String> nodeSelector) { this.nodeSelector = nodeSelector; }
    public List<Toleration> getTolerations() { return tolerations == null ? List.of() : tolerations; }
    public void setTolerations(List<Toleration> tolerations) { this.tolerations = tolerations; }
    public AgentSpec getAgent() { return agent == null ? new AgentSpec() : agent; }
    public void setAgent(AgentSpec agent) { this.agent = agent; }
    public ContainerdSpec getContainerd() { return containerd == null ? new ContainerdSpec() : containerd; }
    public void setContainerd(ContainerdSpec containerd) { this.containerd = containerd; }
    public SandboxOptions getSandbox() { return sandbox == null ? new SandboxOptions() : sandbox; }
    public void setSandbox(SandboxOptions sandbox) { this.sandbox = sandbox; }
    public UpdateStrategy getUpdateStrategy() { return updateStrategy == null ? new UpdateStrategy() : updateStrategy; }
    public void setUpdateStrategy(UpdateStrategy updateStrategy) { this.updateStrategy = updateStrategy; }
}
