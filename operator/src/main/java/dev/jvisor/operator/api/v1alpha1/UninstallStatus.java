package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** Why deletion of a SandboxRuntime has not finished yet. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UninstallStatus {
    @JsonPropertyDescription("When the node-agents were told to uninstall (RFC 3339); the timeout counts from here.")
    private String startedAt;
    @JsonPropertyDescription("When the operator stops waiting for the nodes (RFC 3339).")
    private String deadline;
    @JsonPropertyDescription("Pods (namespace/name) still using the RuntimeClass: uninstall waits until they are gone.")
    private List<String> heldByPods = new ArrayList<>();
    @JsonPropertyDescription("Nodes that have not reported Uninstalled yet.")
    private List<String> waitingForNodes = new ArrayList<>();

    public String getStartedAt() { return startedAt; }
    public void setStartedAt(String startedAt) { this.startedAt = startedAt; }
    public String getDeadline() { return deadline; }
    public void setDeadline(String deadline) { this.deadline = deadline; }
    public List<String> getHeldByPods() { return heldByPods; }
    public void setHeldByPods(List<String> heldByPods) { this.heldByPods = heldByPods; }
    public List<String> getWaitingForNodes() { return waitingForNodes; }
    public void setWaitingForNodes(List<String> waitingForNodes) { this.waitingForNodes = waitingForNodes; }
}
