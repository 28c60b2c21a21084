package dev.jvisor.nodeagent;

import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.kube.KubernetesNodeReporter;
import dev.jvisor.nodeagent.kube.NodeReporter;
import dev.jvisor.nodeagent.lifecycle.AgentSettings;
import dev.jvisor.nodeagent.restart.CommandRestart;
import dev.jvisor.nodeagent.restart.RestartMode;
import dev.jvisor.nodeagent.restart.RestartStrategy;
import dev.jvisor.nodeagent.restart.SystemdRestart;
import dev.jvisor.nodeagent.host.HostLock;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** Options shared by every command; defaults fit the DaemonSet (host / mounted at /host). */
public final class CommonOptions {
  static final int API_RETRIES = 3;
  static final Duration API_TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--host-root", defaultValue = "${env:HOST_ROOT:-/host}",
      description = "Where the host's / is mounted (default: ${DEFAULT-VALUE}).")
  Path hostRoot;

  @Option(names = "--artifacts", defaultValue = "${env:JVISOR_ARTIFACTS:-/opt/jvisor-dist}",
      description = "Distribution directory to install (default: ${DEFAULT-VALUE}).")
  Path artifacts;

  @Option(names = "--handler", defaultValue = "${env:HANDLER:-jvisor}",
      description = "Runtime handler (default: ${DEFAULT-VALUE}).")
  String handler;

  @Option(names = "--distribution", defaultValue = "${env:CONTAINERD_DISTRIBUTION:-auto}",
      description = "auto, containerd, k3s, rke2 or k0s (default: ${DEFAULT-VALUE}).")
  String distribution;

  @Option(names = "--containerd-config", defaultValue = "${env:CONTAINERD_CONFIG_PATH}",
      description = "Host path of containerd's config file (default: per distribution).")
  String containerdConfig;

  @Option(names = "--cri-socket", description = "Host path of the CRI socket (default: per distribution).")
  String criSocket;

  @Option(names = "--kvm-device", defaultValue = "/dev/kvm",
      description = "Device to check (default: ${DEFAULT-VALUE}; the privileged pod sees the host's devices); "
          + "'none' skips the check.")
  String kvmDevice;

  @Option(names = "--shim-link-dir", defaultValue = "/usr/local/bin",
      description = "Host directory on containerd's PATH that gets a containerd-shim-jvisor-v1 link (containerd 1.6 "
          + "ignores runtime_path); 'none' to skip (default: ${DEFAULT-VALUE}).")
  String shimLinkDir;

  @Option(names = "--sandbox-options", defaultValue = "${env:SANDBOX_OPTIONS_FILE}",
      description = "The operator's sandbox.json, turned into the shim's options file "
          + "(default: $SANDBOX_OPTIONS_FILE).")
  Path sandboxOptions;

  @Option(names = "--restart-mode", defaultValue = "${env:CONTAINERD_RESTART_MODE:-systemd}",
      description = "systemd, none or command (default: ${DEFAULT-VALUE}).")
  String restartMode;

  @Option(names = "--restart-command",
      description = "With --restart-mode command: shell command that restarts containerd.")
  String restartCommand;

  @Option(names = "--verify-timeout", defaultValue = "PT90S",
      description = "Bound of the wait for containerd (ISO-8601, default: ${DEFAULT-VALUE}).")
  Duration verifyTimeout;

  @Option(names = "--standalone", description = "No Kubernetes: no label, no status annotation.")
  boolean standalone;

  @Option(names = "--node-name", defaultValue = "${env:NODE_NAME}",
      description = "Node to report on (default: $NODE_NAME).")
  String nodeName;

  @Option(names = "--runtime-name", defaultValue = "${env:SANDBOXRUNTIME_NAME}",
      description = "SandboxRuntime name (default: $SANDBOXRUNTIME_NAME).")
  String runtimeName;

  AgentSettings settings() {
    Distribution dist = distribution.equalsIgnoreCase("auto") ? null : parseDistribution();
    Path kvm = "none".equals(kvmDevice) ? null : Path.of(kvmDevice);
    AgentSettings settings = new AgentSettings(hostRoot.toAbsolutePath().normalize(),
        artifacts.toAbsolutePath().normalize(), handler, dist, containerdConfig, criSocket, kvm, sandboxOptions,
        "none".equals(shimLinkDir) ? null : shimLinkDir, restartStrategy(), verifyTimeout, HostLock.DEFAULT_TIMEOUT,
        AgentSettings.criProbes(), standalone ? null : runtimeName);
    try {
      settings.runtimeSpec(); // validates --handler before anything runs
    } catch (IllegalArgumentException e) {
      throw new AgentException("--handler: " + e.getMessage());
    }
    return settings;
  }

  private Distribution parseDistribution() {
    try {
      return Distribution.parse(distribution);
    } catch (IllegalArgumentException e) {
      throw new AgentException("--distribution must be auto, containerd, k3s, rke2 or k0s, not '" + distribution
          + "'");
    }
  }

  private RestartStrategy restartStrategy() {
    RestartMode mode;
    try {
      mode = RestartMode.valueOf(restartMode.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new AgentException("--restart-mode must be systemd, none or command, not '" + restartMode + "'");
    }
    return switch (mode) {
      case SYSTEMD -> new SystemdRestart(hostRoot);
      case NONE -> RestartStrategy.none();
      case COMMAND -> new CommandRestart(restartCommand);
    };
  }

  NodeReporter reporter() {
    if (standalone) {
      return NodeReporter.standalone(log());
    }
    // In-cluster config from the service account; fewer retries than fabric8's 10, so a dead API server is
    // reported within seconds and the run loop's own retry takes over (lesson 12).
    Config config = Config.autoConfigure(null);
    config.setRequestRetryBackoffLimit(API_RETRIES);
    config.setRequestTimeout((int) API_TIMEOUT.toMillis());
    return new KubernetesNodeReporter(new KubernetesClientBuilder().withConfig(config).build(), nodeName,
        runtimeName);
  }

  static Consumer<String> log() {
    return message -> System.err.println(Instant.now() + " node-agent: " + message);
  }
}
