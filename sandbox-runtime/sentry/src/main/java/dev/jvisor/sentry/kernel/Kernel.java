package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;

/** Boots the kernel of one sandbox. */
public final class Kernel {
  private Kernel() {}

  public static Sandbox boot(SandboxConfig config) {
    throw new SandboxException("the Sentry is being built", 1);
  }
}
