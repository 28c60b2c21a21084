package dev.jvisor.nodeagent.lifecycle;

import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.containerd.HostPaths;
import dev.jvisor.nodeagent.containerd.RuntimeSpec;
import dev.jvisor.nodeagent.restart.RestartStrategy;
import dev.jvisor.nodeagent.verify.CriHandlerProbe;
import dev.jvisor.nodeagent.verify.HandlerProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;

/**
 * Everything one install or uninstall needs, resolved from the command line.
 *
 * @param hostRoot where the host's / is seen (DaemonSet: /host)
 * @param artifacts the distribution directory to install (bin/, lib/, runtime/, VERSION, SHA256SUMS)
 * @param handler runtime handler name
 * @param distribution null for auto-detection
 * @param containerdConfig host path of the config file, or null for the distribution's default
 * @param criSocket host path of the CRI socket, or null for the distribution's default
 * @param kvmDevice agent path of /dev/kvm to check, or null to skip the check
 * @param sandboxOptions the operator's sandbox.json (agent path), or null for the shim's defaults
 * @param shimLinkDir host directory on containerd's PATH for the shim link (containerd 1.6), or null for none
 * @param restart how to restart containerd
 * @param verifyTimeout bound of the wait for containerd to (un)load the handler
 * @param lockTimeout bound of the wait for the host lock
 * @param probes opens a probe on a CRI socket (agent path); replaced in tests that have no containerd
 * @param owner the SandboxRuntime this agent works for; {@value #STANDALONE} without Kubernetes
 */
public record AgentSettings(Path hostRoot, Path artifacts, String handler, Distribution distribution,
    String containerdConfig, String criSocket, Path kvmDevice, Path sandboxOptions, String shimLinkDir,
    RestartStrategy restart,
    Duration verifyTimeout,
    Duration lockTimeout, Function<Path, HandlerProbe> probes, String owner) {

  public static final String STANDALONE = "standalone";

  public AgentSettings {
    owner = owner == null || owner.isBlank() ? STANDALONE : owner;
  }

  /** Without an owner: {@value #STANDALONE}. */
  public AgentSettings(Path hostRoot, Path artifacts, String handler, Distribution distribution,
      String containerdConfig, String criSocket, Path kvmDevice, Path sandboxOptions, String shimLinkDir,
      RestartStrategy restart, Duration verifyTimeout, Duration lockTimeout, Function<Path, HandlerProbe> probes) {
    this(hostRoot, artifacts, handler, distribution, containerdConfig, criSocket, kvmDevice, sandboxOptions,
        shimLinkDir, restart, verifyTimeout, lockTimeout, probes, null);
  }

  /** Agent path of this handler's install record. */
  public Path recordPath() {
    return agentPath(InstallRecord.path(handler));
  }

  /** Records of every other handler installed on this node. */
  public java.util.List<InstallRecord> otherRecords() {
    return InstallRecord.readAll(agentPath(InstallRecord.STATE_DIR)).stream()
        .filter(r -> !r.handler().equals(handler)).toList();
  }

  /**
   * Everything the agent owns on the host lives here (the operator mounts exactly this, the containerd config
   * directory and /run into the agent's pod): versions, {@code current}, options files, the install record.
   */
  public static final String OPT_DIR = "/opt/jvisor";
  public static final String ETC_DIR = OPT_DIR + "/etc";

  public static Function<Path, HandlerProbe> criProbes() {
    return CriHandlerProbe::new;
  }

  public RuntimeSpec runtimeSpec() {
    return new RuntimeSpec(handler, SHIM, runtimeOptionsFile(),
        OPT_DIR + "/");
  }

  /** The shim inside the installed distribution, as the host sees it. */
  public static final String SHIM = OPT_DIR + "/current/bin/containerd-shim-jvisor-v1";

  /** Host path of the shim's options file for this handler (runtimeoptions.v1 ConfigPath). */
  public String runtimeOptionsFile() {
    return ETC_DIR + "/" + handler + ".toml";
  }

  public Distribution resolvedDistribution() {
    return distribution != null ? distribution : Distribution.detect(hostRoot);
  }

  public Path criSocketPath() {
    return HostPaths.resolve(hostRoot, criSocket != null ? criSocket : resolvedDistribution().criSocket());
  }

  public Path agentPath(String hostPath) {
    return HostPaths.resolve(hostRoot, hostPath);
  }
}
