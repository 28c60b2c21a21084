package dev.jvisor.nodeagent.testing;

import dev.jvisor.nodeagent.kube.NodeReporter;
import dev.jvisor.nodeagent.kube.NodeStatus;
import java.util.ArrayList;
import java.util.List;

/** Keeps every label change and status report, for asserting the sequence an install reports. */
public final class RecordingReporter implements NodeReporter {
  public final List<String> labels = new ArrayList<>();
  public final List<NodeStatus> statuses = new ArrayList<>();
  private String label;

  @Override
  public void setLabel(String value) {
    labels.add(value);
    label = value;
  }

  @Override
  public String label() {
    return label;
  }

  @Override
  public void report(NodeStatus status) {
    statuses.add(status);
  }

  @Override
  public boolean uninstallRequested() {
    return false;
  }

  public NodeStatus last() {
    return statuses.get(statuses.size() - 1);
  }
}
