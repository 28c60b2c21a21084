package dev.jvisor.nodeagent.restart;

import dev.jvisor.nodeagent.containerd.Distribution;

/** Restarts containerd so it loads the changed config. Implementations bound their waits. */
public interface RestartStrategy {
  /** @throws dev.jvisor.nodeagent.AgentException when the restart failed, with the reason */
  void restart(Distribution distribution);

  /** Whether a restart happens at all (false: files only, nothing can be verified). */
  default boolean restarts() {
    return true;
  }

  static RestartStrategy none() {
    return new RestartStrategy() {
      @Override
      public void restart(Distribution distribution) {
        // --restart-mode none: the operator of this box restarts containerd when it suits them.
      }

      @Override
      public boolean restarts() {
        return false;
      }
    };
  }
}
