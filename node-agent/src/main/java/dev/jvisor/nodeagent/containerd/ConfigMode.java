package dev.jvisor.nodeagent.containerd;

/** How the agent puts its runtime into containerd's config; recorded so uninstall reverses exactly that. */
public enum ConfigMode {
  /**
   * Edit the main file (or k3s/rke2 template) in place, keeping a byte-exact backup. Needed before containerd 2.x,
   * where an imported file replaces whole plugin tables (lesson 1, containerd#5837).
   */
  MAIN_FILE,
  /** No config existed: write a minimal one, marked as ours; uninstall deletes it. */
  CREATED_FILE,
  /** containerd 2.x: a drop-in file plus an {@code imports} entry in the main file (entry removed first on undo). */
  DROP_IN_IMPORT,
  /** A drop-in in a directory containerd already imports (k0s containerd.d, an existing conf.d glob). */
  DROP_IN_DIR
}
