package dev.jvisor.nodeagent.lifecycle;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.ConfigPlan;
import dev.jvisor.nodeagent.containerd.ConfigPlanner;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.host.ArtifactInstaller;
import dev.jvisor.nodeagent.host.AtomicFiles;
import dev.jvisor.nodeagent.host.HostLock;
import dev.jvisor.nodeagent.host.KvmCheck;
import dev.jvisor.nodeagent.host.ShimLink;
import dev.jvisor.nodeagent.kube.NodeReporter;
import dev.jvisor.nodeagent.kube.NodeStatus;
import dev.jvisor.nodeagent.kube.Phase;
import dev.jvisor.nodeagent.verify.HandlerProbe;
import dev.jvisor.nodeagent.verify.HandlerWait;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.function.Consumer;

/**
 * Install: host check, label not-ready, artifacts, containerd config, restart (only when needed), verify what
 * containerd loaded, label ready. A failed verification restores the previous config and restarts again.
 */
public final class Installer {
  private final AgentSettings settings;
  private final NodeReporter reporter;
  private final Consumer<String> log;

  public Installer(AgentSettings settings, NodeReporter reporter, Consumer<String> log) {
    this.settings = settings;
    this.reporter = reporter;
    this.log = log;
  }

  /** Result of a successful install. */
  public record Result(InstallRecord record, boolean configChanged, boolean restarted, StepTimings timings,
      String containerdVersion) {}

  public Result install() {
    StepTimings timings = new StepTimings(log);
    String[] containerdVersion = {null};
    String[] runtimeVersion = {null};
    try {
      reporter.report(NodeStatus.of(Phase.Installing, "installing", null, null));
      Distribution distribution = timings.time(Step.HOST_CHECK, () -> hostCheck(containerdVersion));
      try (HostLock lock = HostLock.acquire(settings.agentPath(HostLock.LOCK_FILE), settings.lockTimeout())) {
        // Pods must not be scheduled here while containerd restarts (lesson 3): not-ready before any change.
        timings.time(Step.LABEL_NOT_READY, () -> reporter.setLabel(NodeReporter.NOT_READY));
        ArtifactInstaller.Installed installed = timings.time(Step.ARTIFACTS, this::installArtifacts);
        runtimeVersion[0] = installed.version();
        String[] shimLink = {null};
        boolean linkChanged = timings.time(Step.SHIM_LINK, () -> linkShim(containerdVersion[0], shimLink));
        InstallRecord previous = InstallRecord.read(settings.recordPath());
        List<InstallRecord> others = settings.otherRecords();
        // Handlers this SandboxRuntime installed before under another name are stale (lesson 9); other
        // SandboxRuntimes' handlers stay.
        List<InstallRecord> stale = others.stream().filter(r -> settings.owner().equals(r.owner())).toList();
        List<InstallRecord> live = others.stream().filter(r -> !settings.owner().equals(r.owner())).toList();
        ContainerdConfigurator configurator = new ContainerdConfigurator(settings.hostRoot(),
            settings.runtimeSpec());
        ContainerdConfigurator.Applied applied = timings.time(Step.CONTAINERD_CONFIG, () -> {
          boolean staleRemoved = removeStale(configurator, stale);
          ConfigPlan plan = new ConfigPlanner(settings.hostRoot()).plan(distribution, settings.containerdConfig(),
              major(containerdVersion[0]), settings.handler());
          Set<String> keep = live.stream().map(InstallRecord::handler).collect(Collectors.toSet());
          ContainerdConfigurator.Applied result = configurator.apply(plan, settings.owner(),
              distribution.name().toLowerCase(), installed.version(), previous, keep, !others.isEmpty());
          try {
            configurator.validate(result.record());
          } catch (AgentException e) {
            configurator.rollback(result.before());
            throw e;
          }
          // Written before the restart: whatever happens next, uninstall knows what to undo.
          result = new ContainerdConfigurator.Applied(result.changed() || staleRemoved,
              result.record().withShimLink(shimLink[0]), result.before());
          result.record().write(settings.recordPath());
          if (!result.record().removedHandlers().isEmpty()) {
            log.accept("removed stale handlers of ours: " + result.record().removedHandlers());
          }
          return result;
        });
        Runnable rollback = () -> rollback(distribution, configurator, applied, previous,
            linkChanged ? shimLink[0] : null);
        boolean restarted = timings.time(Step.RESTART, () -> {
          try {
            return restartIfNeeded(distribution, applied);
          } catch (AgentException e) {
            log.accept("restart failed, restoring the previous containerd config: " + e.getMessage());
            rollback.run();
            throw e;
          }
        });
        timings.time(Step.VERIFY, () -> {
          try {
            verify();
          } catch (AgentException e) {
            log.accept("verification failed, restoring the previous containerd config: " + e.getMessage());
            rollback.run();
            throw e;
          }
        });
        timings.time(Step.LABEL_READY, () -> reporter.setLabel(NodeReporter.READY));
        reporter.report(NodeStatus.of(Phase.Ready, settings.restart().restarts()
            ? "containerd serves handler " + settings.handler() : "config written; containerd not restarted "
            + "(--restart-mode none)", installed.version(), containerdVersion[0]));
        log.accept(String.format("install done in %d ms", timings.total().toMillis()));
        return new Result(applied.record(), applied.changed(), restarted, timings, containerdVersion[0]);
      }
    } catch (RuntimeException e) {
      reportFailed(e, runtimeVersion[0], containerdVersion[0]);
      throw e;
    }
  }

  private Distribution hostCheck(String[] containerdVersion) {
    if (settings.kvmDevice() != null) {
      KvmCheck.unavailabilityCause(settings.kvmDevice()).ifPresent(cause -> {
        throw new AgentException(cause);
      });
    }
    Distribution distribution = settings.resolvedDistribution();
    if (settings.restart().restarts()) {
      try (HandlerProbe probe = settings.probes().apply(settings.criSocketPath())) {
        containerdVersion[0] = probe.runtimeVersion();
      } catch (RuntimeException e) {
        throw new AgentException("containerd does not answer on " + settings.criSocketPath() + " ("
            + e.getMessage() + "); is this a " + distribution.name().toLowerCase() + " node? (--distribution, "
            + "--cri-socket)", e);
      }
    }
    log.accept("host: distribution " + distribution.name().toLowerCase() + ", containerd "
        + (containerdVersion[0] == null ? "not queried (--restart-mode none)" : containerdVersion[0]));
    return distribution;
  }

  private ArtifactInstaller.Installed installArtifacts() {
    ArtifactInstaller.Installed installed = new ArtifactInstaller(settings.agentPath(AgentSettings.OPT_DIR))
        .install(settings.artifacts());
    syncRuntimeOptions();
    log.accept("artifacts: " + installed.version() + (installed.copied() ? " copied" : " already in place"));
    return installed;
  }

  /**
   * Writes the shim's options file when its content differs. Also called by the run loop: the operator changes
   * spec.sandbox through the mounted ConfigMap, not through a reinstall. New sandboxes pick it up; no restart.
   * Returns whether the file changed.
   */
  public boolean syncRuntimeOptions() {
    Path options = settings.agentPath(settings.runtimeOptionsFile());
    String wanted = RuntimeOptions.toml(settings.sandboxOptions());
    try {
      if (Files.exists(options) && Files.readString(options, StandardCharsets.UTF_8).equals(wanted)) {
        return false;
      }
    } catch (IOException e) {
      throw new AgentException("cannot read " + options + ": " + e, e);
    }
    AtomicFiles.write(options, wanted);
    return true;
  }

  /** Reverts this SandboxRuntime's handlers of earlier installs under other names; true if a file changed. */
  private boolean removeStale(ContainerdConfigurator configurator, List<InstallRecord> stale) {
    boolean changed = false;
    for (InstallRecord old : stale) {
      log.accept("removing handler " + old.handler() + " (installed earlier by " + old.owner() + ")");
      changed |= configurator.revert(old, true);
      AtomicFiles.deleteIfExists(settings.agentPath(AgentSettings.ETC_DIR + "/" + old.handler() + ".toml"));
      AtomicFiles.deleteIfExists(settings.agentPath(InstallRecord.path(old.handler())));
    }
    return changed;
  }

  /**
   * The shim link for containerd 1.6 (see {@link ShimLink}). Where the link directory is not visible to the agent,
   * containerd 1.6 would report the handler and then fail every pod: that is a Failed install, not a Ready node.
   */
  private boolean linkShim(String containerdVersion, String[] link) {
    if (settings.shimLinkDir() == null) {
      return false;
    }
    Path dir = settings.agentPath(settings.shimLinkDir());
    if (!Files.isDirectory(dir)) {
      if (ignoresRuntimePath(containerdVersion)) {
        throw new AgentException("containerd " + containerdVersion + " ignores runtime_path when it starts a shim "
            + "(containerd#8207) and needs " + ShimLink.NAME + " on its PATH, but " + dir + " does not exist: "
            + "mount the host's " + settings.shimLinkDir() + " into the agent, or upgrade containerd to 1.7.1+");
      }
      log.accept("no shim link (" + dir + " absent): containerd " + containerdVersion + " uses runtime_path");
      return false;
    }
    Path path = dir.resolve(ShimLink.NAME);
    link[0] = settings.shimLinkDir().replaceAll("/+$", "") + "/" + ShimLink.NAME;
    return ShimLink.ensure(path, AgentSettings.SHIM);
  }

  /** containerd before 1.7.1 starts shims by name from PATH whatever runtime_path says. */
  static boolean ignoresRuntimePath(String version) {
    if (version == null) {
      return false;
    }
    String[] parts = (version.startsWith("v") ? version.substring(1) : version).split("[.~+-]");
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      int patch = parts.length > 2 ? Integer.parseInt(parts[2]) : 0;
      return major < 1 || major == 1 && (minor < 7 || minor == 7 && patch < 1);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private boolean restartIfNeeded(Distribution distribution, ContainerdConfigurator.Applied applied) {
    if (!settings.restart().restarts()) {
      return false;
    }
    if (!applied.changed()) {
      // Unchanged files but handler not served: an earlier run wrote the config and never restarted.
      try (HandlerProbe probe = settings.probes().apply(settings.criSocketPath())) {
        if (probe.servedHandlers().contains(settings.handler())) {
          log.accept("config unchanged and handler served: no restart");
          return false;
        }
      } catch (RuntimeException e) {
        log.accept("containerd did not answer (" + e.getMessage() + "): restarting");
      }
    }
    settings.restart().restart(distribution);
    return true;
  }

  private void verify() {
    if (!settings.restart().restarts()) {
      return;
    }
    try (HandlerProbe probe = settings.probes().apply(settings.criSocketPath())) {
      HandlerWait.await(probe, settings.handler(), true, settings.verifyTimeout());
    }
  }

  /**
   * Puts every file back as it was before this install, restores the previous record and restarts containerd
   * again, so a failed install leaves containerd running its previous config. A failing second restart is logged
   * (the original failure is the one reported).
   */
  private void rollback(Distribution distribution, ContainerdConfigurator configurator,
      ContainerdConfigurator.Applied applied, InstallRecord previous, String newShimLink) {
    configurator.rollback(applied.before());
    if (newShimLink != null) {
      ShimLink.remove(settings.agentPath(newShimLink));
    }
    if (previous != null) {
      previous.write(settings.recordPath());
    } else {
      AtomicFiles.deleteIfExists(settings.recordPath());
    }
    if (applied.changed() && settings.restart().restarts()) {
      try {
        settings.restart().restart(distribution);
      } catch (AgentException e) {
        log.accept("restart after rollback failed too: " + e.getMessage());
      }
    }
  }

  private void reportFailed(RuntimeException e, String runtimeVersion, String containerdVersion) {
    try {
      String reason = e instanceof AgentException ? e.getMessage() : "internal error: " + e;
      reporter.report(NodeStatus.of(Phase.Failed, reason, runtimeVersion, containerdVersion));
    } catch (RuntimeException reportError) {
      log.accept("could not report Failed: " + reportError.getMessage());
    }
  }

  /** Major version from CRI's runtime_version ("1.6.20~ds1", "v2.0.0"); 1 when unknown. */
  static int major(String version) {
    if (version == null) {
      return 1;
    }
    String digits = version.startsWith("v") ? version.substring(1) : version;
    int dot = digits.indexOf('.');
    try {
      return Integer.parseInt(dot < 0 ? digits : digits.substring(0, dot));
    } catch (NumberFormatException e) {
      return 1;
    }
  }
}
