package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** One node as its node-agent reported it; the message is the agent's, verbatim. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class NodeStatus {
    @JsonPropertyDescription("Node name.")
    private String name;
    @JsonPropertyDescription("Pending, Installing, Ready, Failed, Uninstalling or Uninstalled.")
    private NodePhase phase;
    @JsonPropertyDescription("The node-agent's message, verbatim (the reason when Failed).")
    private String message;
    @JsonPropertyDescription("jvisor runtime version installed on the node.")
    private String runtimeVersion;
    @JsonPropertyDescription("containerd version the node-agent found.")
    private String containerdVersion;
    @JsonPropertyDescription("When the node entered this phase (RFC 3339), as the node-agent reported it.")
    private String since;

    public NodeStatus() {
    }

    public NodeStatus(String name, NodePhase phase, String message, String runtimeVersion, String containerdVersion,
            String since) {
        this.name = name;
        this.phase = phase;
        this.message = message;
        this.runtimeVersion = runtimeVersion;
        this.containerdVersion = containerdVersion;
        this.since = since;
    }

    public String getName() { return name; }
    public void setName(String name) { this.name = name; }
    public NodePhase getPhase() { return phase; }
    public void setPhase(NodePhase phase) { this.phase = phase; }
    public String getMessage() { return message; }
    public void setMessage(String message) { this.message = message; }
    public String getRuntimeVersion() { return runtimeVersion; }
    public void setRuntimeVersion(String runtimeVersion) { this.runtimeVersion = runtimeVersion; }
    public String getContainerdVersion() { return containerdVersion; }
    public void setContainerdVersion(String containerdVersion) { this.containerdVersion = containerdVersion; }
    public String getSince() { return since; }
    public void setSince(String since) { this.since = since; }
}
