package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.ArrayList;
import java.util.List;

/** What the operator observed. Written only by the operator. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SandboxRuntimeStatus {
    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Summary of the conditions: Pending, Installing, Ready, Degraded or Uninstalling.")
    private RuntimePhase phase;

    @JsonPropertyDescription("Ready, Progressing and Degraded, with Kubernetes condition semantics.")
    private List<Condition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Ready nodes / selected nodes, e.g. 3/5 (the Nodes printer column).")
    private String readyNodes;

    @JsonPropertyDescription("Nodes per phase.")
    private NodeCounts nodeCounts = new NodeCounts();

    @JsonPropertyDescription("One entry per selected node (and per node still being uninstalled), sorted by name.")
    private List<NodeStatus> nodes = new ArrayList<>();

    @JsonPropertyDescription("RuntimeClasses this SandboxRuntime owns.")
    private List<String> runtimeClassNames = new ArrayList<>();

    @JsonPropertyDescription("Progress of the uninstall after the SandboxRuntime was deleted.")
    private UninstallStatus uninstall;

    public Long getObservedGeneration() { return observedGeneration; }
    public void setObservedGeneration(Long observedGeneration) { this.observedGeneration = observedGeneration; }
    public RuntimePhase getPhase() { return phase; }
    public void setPhase(RuntimePhase phase) { this.phase = phase; }
    public List<Condition> getConditions() { return conditions; }
    public void setConditions(List<Condition> conditions) { this.conditions = conditions; }
    public String getReadyNodes() { return readyNodes; }
    public void setReadyNodes(String readyNodes) { this.readyNodes = readyNodes; }
    public NodeCounts getNodeCounts() { return nodeCounts; }
    public void setNodeCounts(NodeCounts nodeCounts) { this.nodeCounts = nodeCounts; }
    public List<NodeStatus> getNodes() { return nodes; }
    public void setNodes(List<NodeStatus> nodes) { this.nodes = nodes; }
    public List<String> getRuntimeClassNames() { return runtimeClassNames; }
    public void setRuntimeClassNames(List<String> runtimeClassNames) { this.runtimeClassNames = runtimeClassNames; }
    public UninstallStatus getUninstall() { return uninstall; }
    public void setUninstall(UninstallStatus uninstall) { this.uninstall = uninstall; }
}
