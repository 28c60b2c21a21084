package dev.jvisor.nodeagent.kube;

/** Per-node phase written into the status annotation (names as the operator reads them). */
public enum Phase {
  Pending,
  Installing,
  Ready,
  Failed,
  Uninstalling
}
