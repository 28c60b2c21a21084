package dev.jvisor.e2e.localnode;

import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node-agent's host access, as the operator writes it into the DaemonSet: hostPath volumes only where the agent
 * works (install dir, runtime sockets, containerd's config dirs per distribution, the KVM device, jvisor's own
 * config, /usr/local/bin for the shim link containerd 1.6 needs), never the host's root or a whole system directory.
 */
final class AgentMounts {

  static final Set<String> ALLOWED = Set.of("/opt/jvisor", "/etc/jvisor", "/run", "/dev/kvm", "/usr/local/bin",
      "/etc/containerd",
      "/var/lib/rancher", "/var/lib/rancher/k3s/agent/etc/containerd", "/var/lib/rancher/rke2/agent/etc/containerd",
      "/etc/k0s");

  private AgentMounts() {}

  /** Fails naming the first host path outside the allowed set; returns the host paths for the report. */
  static String checkLimited(DaemonSet daemonSet) {
    List<String> hostPaths = daemonSet.getSpec().getTemplate().getSpec().getVolumes().stream()
        .filter(v -> v.getHostPath() != null).map(Volume::getHostPath).map(h -> h.getPath()).toList();
    Check.that(!hostPaths.isEmpty(), "the node-agent DaemonSet mounts nothing of the host");
    for (String path : hostPaths) {
      Check.that(ALLOWED.contains(path), "the node-agent DaemonSet mounts host path " + path
          + ", outside the agent's working set " + ALLOWED);
    }
    return hostPaths.stream().sorted().collect(Collectors.joining(",", "[", "]"));
  }
}
