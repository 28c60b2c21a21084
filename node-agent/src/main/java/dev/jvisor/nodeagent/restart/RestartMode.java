package dev.jvisor.nodeagent.restart;

/** Values of {@code --restart-mode}. */
public enum RestartMode {
  /** {@code systemctl restart} of the distribution's active unit. */
  SYSTEMD,
  /** Do not restart and do not verify: the agent only edits files (try it on a directory tree). */
  NONE,
  /** Run {@code --restart-command} through {@code sh -c}; it must return once containerd was restarted. */
  COMMAND
}
