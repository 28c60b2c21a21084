package dev.jvisor.e2e.k3s;

import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import java.time.Duration;
import java.time.Instant;
import org.testcontainers.k3s.K3sContainer;

/**
 * The k3s node is a container whose PID 1 is k3s itself, so there is no systemd unit the node-agent could restart.
 * The test plays the part of systemd: once the agent has written the handler into k3s' containerd template, it
 * restarts the container (k3s re-renders config.toml from the template and restarts containerd with it).
 */
final class K3sNode {

  /** k3s' containerd template; the agent writes the handler here for distribution k3s. */
  static final String TEMPLATE = "/var/lib/rancher/k3s/agent/etc/containerd/config.toml.tmpl";
  static final Duration POLL = Duration.ofSeconds(2);

  private K3sNode() {}

  /**
   * Waits (bounded) for the handler to appear in the template, restarts the container and returns a kubeconfig
   * for the restarted API server (Docker may publish 6443 on a different host port after a restart).
   */
  static String restartWhenHandlerWritten(K3sContainer k3s, String handler, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    String table = "runtimes." + handler + "]";
    while (true) {
      var grep = k3s.execInContainer("sh", "-c", "grep -F '" + table + "' " + TEMPLATE + " || true");
      if (!grep.getStdout().isBlank()) {
        break;
      }
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("the node-agent did not add runtimes." + handler + " to " + TEMPLATE
            + " within " + timeout + "; agent logs: kubectl -n jvisor-system logs ds/<runtime>-node-agent");
      }
      Thread.sleep(POLL.toMillis());
    }
    String before = k3s.getKubeConfigYaml();
    String oldServer = "https://" + k3s.getHost() + ":" + k3s.getMappedPort(K3sContainer.KUBE_SECURE_PORT);
    k3s.getDockerClient().restartContainerCmd(k3s.getContainerId()).exec();
    InspectContainerResponse inspected = k3s.getDockerClient().inspectContainerCmd(k3s.getContainerId()).exec();
    Ports.Binding[] bindings = inspected.getNetworkSettings().getPorts().getBindings()
        .get(ExposedPort.tcp(K3sContainer.KUBE_SECURE_PORT));
    String newServer = "https://" + k3s.getHost() + ":" + bindings[0].getHostPortSpec();
    return before.replace(oldServer, newServer);
  }
}
