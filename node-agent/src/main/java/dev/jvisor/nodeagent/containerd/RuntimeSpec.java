package dev.jvisor.nodeagent.containerd;

import java.util.Objects;

/**
 * The runtime entry the agent owns in containerd's config, with paths as the HOST sees them (containerd runs on
 * the host, the agent sees the host under its host root).
 *
 * @param handler the CRI runtime handler (RuntimeClass {@code handler}), e.g. {@code jvisor}
 * @param runtimePath the installed shim, e.g. {@code /opt/jvisor/current/bin/containerd-shim-jvisor-v1}
 * @param configPath the runtime options file, e.g. {@code /etc/jvisor/runtime.toml}
 * @param ownedPrefix host path prefix that marks a runtime entry as ours, e.g. {@code /opt/jvisor/}
 */
public record RuntimeSpec(String handler, String runtimePath, String configPath, String ownedPrefix) {
  /** containerd derives the shim binary name containerd-shim-jvisor-v1 from this. */
  public static final String RUNTIME_TYPE = "io.containerd.jvisor.v1";
  public static final String OPTIONS_TYPE_URL = "io.containerd.jvisor.v1.options";

  public RuntimeSpec {
    Objects.requireNonNull(handler, "handler");
    if (!handler.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || handler.length() > 63) {
      throw new IllegalArgumentException("handler must be a DNS label (RuntimeClass handler rules), got '"
          + handler + "'");
    }
  }
}
