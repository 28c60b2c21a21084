package dev.jvisor.e2e.localnode;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged node-agent in DaemonSet mode ({@code run}), configured from the DaemonSet the operator produced: its
 * environment is passed as the operator wrote it, and the settings the agent takes as flags are translated from it.
 * What differs from a real node, and why: the host root is the local containerd's directory (not /host), the
 * distribution comes from the build (not the image), and containerd restarts through ctrd.sh (it is a private process,
 * not a systemd unit).
 */
final class NodeAgentProcess implements AutoCloseable {

  static final Duration STOP_TIMEOUT = Duration.ofSeconds(60);

  private final Process process;
  private final Path log;

  private NodeAgentProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  static NodeAgentProcess start(Path agentJar, Path distribution, DaemonSet daemonSet, LocalContainerd node,
      String nodeName, String apiServer) throws IOException {
    Container container = daemonSet.getSpec().getTemplate().getSpec().getContainers().get(0);
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvVar e : container.getEnv()) {
      if (e.getValue() != null) {
        env.put(e.getName(), e.getValue());
      }
    }
    // The downward API's spec.nodeName, and the API server the in-cluster config would find.
    env.put("NODE_NAME", nodeName);
    env.put("KUBERNETES_MASTER", apiServer);
    env.put("KUBERNETES_AUTH_TRYKUBECONFIG", "false");
    env.put("KUBERNETES_AUTH_TRYSERVICEACCOUNT", "false");
    env.put("KUBERNETES_NAMESPACE", ControlPlane.NAMESPACE);
    env.put("HOST_ROOT", node.root().toString());

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", agentJar.toString(), "run",
        "--host-root", node.root().toString(),
        "--artifacts", distribution.toString(),
        "--kvm-device", "/dev/kvm",
        "--restart-mode", "command",
        "--restart-command", "sh " + node.script() + " " + node.root() + " restart",
        "--verify-timeout", "PT60S"));
    flag(cmd, "--handler", env.get("HANDLER"));
    flag(cmd, "--distribution", env.get("CONTAINERD_DISTRIBUTION"));
    flag(cmd, "--containerd-config", env.get("CONTAINERD_CONFIG_PATH"));
    flag(cmd, "--runtime-name", env.get("SANDBOXRUNTIME_NAME"));
    flag(cmd, "--node-name", nodeName);

    Path log = node.root().resolve("node-agent.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new NodeAgentProcess(pb.start(), log);
  }

  private static void flag(List<String> cmd, String flag, String value) {
    if (value != null && !value.isBlank()) {
      cmd.add(flag);
      cmd.add(value);
    }
  }

  boolean alive() {
    return process.isAlive();
  }

  String log() {
    try {
      return Files.readString(log, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no agent log: " + e.getMessage() + ")";
    }
  }

  String logTail() {
    String[] lines = log().split("\n");
    return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 12), lines.length));
  }

  /** SIGTERM, as the kubelet does when the DaemonSet pod goes away; bounded, then SIGKILL. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
