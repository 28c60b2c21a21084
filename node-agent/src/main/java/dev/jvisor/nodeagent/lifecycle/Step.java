package dev.jvisor.nodeagent.lifecycle;

/** Stages of install and uninstall, in order. */
public enum Step {
  HOST_CHECK,
  LABEL_NOT_READY,
  ARTIFACTS,
  SHIM_LINK,
  CONTAINERD_CONFIG,
  RESTART,
  VERIFY,
  LABEL_READY,
  // uninstall
  LABEL_REMOVE,
  REVERT_CONFIG,
  VERIFY_GONE,
  REMOVE_ARTIFACTS,
  // install failure
  ROLLBACK
}
