package dev.jvisor.nodeagent.containerd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where containerd comes from on a node. Each knows its config location, CRI socket and systemd units as the host
 * sees them (absolute host paths; the agent resolves them under its host root).
 */
public enum Distribution {
  /** containerd from a package: /etc/containerd/config.toml, unit containerd. */
  CONTAINERD("/etc/containerd", "/run/containerd/containerd.sock", List.of("containerd")),
  /** k3s renders config.toml from config.toml.tmpl / config-v3.toml.tmpl at every start. */
  K3S("/var/lib/rancher/k3s/agent/etc/containerd", "/run/k3s/containerd/containerd.sock",
      List.of("k3s", "k3s-agent")),
  /** rke2 works like k3s with its own directory and units. */
  RKE2("/var/lib/rancher/rke2/agent/etc/containerd", "/run/k3s/containerd/containerd.sock",
      List.of("rke2-server", "rke2-agent")),
  /** k0s merges drop-ins from /etc/k0s/containerd.d/ and reloads them itself: no restart. */
  K0S("/etc/k0s/containerd.d", "/run/k0s/containerd.sock", List.of());

  private final String configDir;
  private final String criSocket;
  private final List<String> units;

  Distribution(String configDir, String criSocket, List<String> units) {
    this.configDir = configDir;
    this.criSocket = criSocket;
    this.units = units;
  }

  /** Host path of the directory holding the config (or, for k0s, the drop-ins). */
  public String configDir() {
    return configDir;
  }

  /** Host path of the CRI socket. */
  public String criSocket() {
    return criSocket;
  }

  /** systemd units that run containerd, in the order to try; the first active one is restarted. */
  public List<String> units() {
    return units;
  }

  /** Whether the distribution renders containerd's config from a Go template. */
  public boolean usesTemplate() {
    return this == K3S || this == RKE2;
  }

  /** Parses a {@code --distribution} value; {@code auto} is handled by the caller. */
  public static Distribution parse(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }

  /** Detects the distribution from directories under the host root; plain containerd when nothing else matches. */
  public static Distribution detect(Path hostRoot) {
    for (Distribution candidate : List.of(RKE2, K3S)) {
      if (Files.isDirectory(HostPaths.resolve(hostRoot, candidate.configDir))) {
        return candidate;
      }
    }
    // Not /etc/k0s alone: the operator's hostPath volume (DirectoryOrCreate) creates it empty on every node.
    if (Files.isDirectory(HostPaths.resolve(hostRoot, K0S.configDir))
        || Files.exists(HostPaths.resolve(hostRoot, "/etc/k0s/k0s.yaml"))
        || Files.isDirectory(HostPaths.resolve(hostRoot, "/var/lib/k0s"))) {
      return K0S;
    }
    return CONTAINERD;
  }
}
