package dev.jvisor.nodeagent.kube;

/** Per-node phase written into the status annotation (names as the operator reads them). */
public enum Phase {
  Pending,
  Installing,
  Ready,
  Failed,
  Uninstalling,
  /** Uninstall finished: the host is clean and the label is gone. */
  Uninstalled
}
