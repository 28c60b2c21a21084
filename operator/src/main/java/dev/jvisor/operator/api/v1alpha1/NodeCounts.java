package dev.jvisor.operator.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Node totals per phase; total counts every node listed in status.nodes. */
public class NodeCounts {
    @JsonPropertyDescription("Nodes listed in status.nodes.")
    private int total;
    @JsonPropertyDescription("Nodes with no report yet.")
    private int pending;
    @JsonPropertyDescription("Nodes installing.")
    private int installing;
    @JsonPropertyDescription("Nodes ready (verified and labelled).")
    private int ready;
    @JsonPropertyDescription("Nodes failed.")
    private int failed;
    @JsonPropertyDescription("Nodes uninstalling.")
    private int uninstalling;

    public int getTotal() { return total; }
    public void setTotal(int total) { this.total = total; }
    public int getPending() { return pending; }
    public void setPending(int pending) { this.pending = pending; }
    public int getInstalling() { return installing; }
    public void setInstalling(int installing) { this.installing = installing; }
    public int getReady() { return ready; }
    public void setReady(int ready) { this.ready = ready; }
    public int getFailed() { return failed; }
    public void setFailed(int failed) { this.failed = failed; }
    public int getUninstalling() { return uninstalling; }
    public void setUninstalling(int uninstalling) { this.uninstalling = uninstalling; }
}
