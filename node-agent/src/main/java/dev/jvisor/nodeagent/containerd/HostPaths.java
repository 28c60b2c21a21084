package dev.jvisor.nodeagent.containerd;

import java.nio.file.Path;

/** Host paths (what containerd and config files contain) versus agent paths (the host seen under the host root). */
public final class HostPaths {
  private HostPaths() {}

  /** {@code /etc/containerd/config.toml} under host root {@code /host} is {@code /host/etc/containerd/config.toml}. */
  public static Path resolve(Path hostRoot, String hostPath) {
    if (!hostPath.startsWith("/")) {
      throw new IllegalArgumentException("host path must be absolute: " + hostPath);
    }
    return hostRoot.resolve(hostPath.substring(1)).normalize();
  }

  /** The inverse of {@link #resolve}: the path as the host sees it. */
  public static String toHost(Path hostRoot, Path agentPath) {
    Path relative = hostRoot.toAbsolutePath().normalize().relativize(agentPath.toAbsolutePath().normalize());
    if (relative.startsWith("..")) {
      throw new IllegalArgumentException(agentPath + " is outside the host root " + hostRoot);
    }
    return "/" + relative;
  }
}
