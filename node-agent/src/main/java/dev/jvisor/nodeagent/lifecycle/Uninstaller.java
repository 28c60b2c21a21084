package dev.jvisor.nodeagent.lifecycle;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.host.ArtifactInstaller;
import dev.jvisor.nodeagent.host.AtomicFiles;
import dev.jvisor.nodeagent.host.HostLock;
import dev.jvisor.nodeagent.host.ShimLink;
import dev.jvisor.nodeagent.kube.NodeReporter;
import dev.jvisor.nodeagent.kube.NodeStatus;
import dev.jvisor.nodeagent.kube.Phase;
import dev.jvisor.nodeagent.verify.HandlerProbe;
import dev.jvisor.nodeagent.verify.HandlerWait;
import java.util.function.Consumer;

/**
 * Uninstall: label off first (nothing new is scheduled here), config reverted (imports entry before its drop-in),
 * containerd restarted whenever the config changed (lesson 7), the handler verified gone, artifacts removed last
 * (a running shim's files stay valid until then).
 */
public final class Uninstaller {
  private final AgentSettings settings;
  private final NodeReporter reporter;
  private final Consumer<String> log;

  public Uninstaller(AgentSettings settings, NodeReporter reporter, Consumer<String> log) {
    this.settings = settings;
    this.reporter = reporter;
    this.log = log;
  }

  public StepTimings uninstall() {
    StepTimings timings = new StepTimings(log);
    try {
      timings.time(Step.LABEL_REMOVE, () -> reporter.setLabel(null));
      reporter.report(NodeStatus.of(Phase.Uninstalling, "uninstalling", null, null));
      try (HostLock lock = HostLock.acquire(settings.agentPath(HostLock.LOCK_FILE), settings.lockTimeout())) {
        InstallRecord record = InstallRecord.read(settings.recordPath());
        // Other SandboxRuntimes' handlers on this node keep the shared files (artifacts, link, backup).
        boolean othersRemain = !settings.otherRecords().isEmpty();
        Distribution distribution = record == null ? settings.resolvedDistribution()
            : Distribution.parse(record.distribution());
        timings.time(Step.HOST_CHECK, this::warnAboutRunningSandboxes);
        boolean changed = record != null && timings.time(Step.REVERT_CONFIG,
            () -> new ContainerdConfigurator(settings.hostRoot(), settings.runtimeSpec())
                .revert(record, othersRemain));
        if (record == null) {
          log.accept("no install record at " + settings.recordPath() + ": config left alone");
        }
        if (changed && settings.restart().restarts()) {
          timings.time(Step.RESTART, () -> settings.restart().restart(distribution));
        }
        if (settings.restart().restarts()) {
          timings.time(Step.VERIFY_GONE, () -> {
            try (HandlerProbe probe = settings.probes().apply(settings.criSocketPath())) {
              HandlerWait.await(probe, settings.handler(), false, settings.verifyTimeout());
            }
          });
        }
        timings.time(Step.REMOVE_ARTIFACTS, () -> removeArtifacts(record, othersRemain));
      }
      reporter.report(NodeStatus.of(Phase.Uninstalled, "jvisor removed from this node", null, null));
      log.accept(String.format("uninstall done in %d ms", timings.total().toMillis()));
      return timings;
    } catch (AgentException e) {
      try {
        reporter.report(NodeStatus.of(Phase.Failed, "uninstall: " + e.getMessage(), null, null));
      } catch (RuntimeException reportError) {
        log.accept("could not report Failed: " + reportError.getMessage());
      }
      throw e;
    }
  }

  private void warnAboutRunningSandboxes() {
    if (!settings.restart().restarts()) {
      return;
    }
    try (HandlerProbe probe = settings.probes().apply(settings.criSocketPath())) {
      int running = probe.sandboxesUsing(settings.handler());
      if (running > 0) {
        log.accept("WARNING: " + running + " pod sandbox(es) still use handler " + settings.handler()
            + "; they keep running on the old shim but cannot be restarted after uninstall");
      }
    } catch (RuntimeException e) {
      log.accept("could not list pod sandboxes: " + e.getMessage());
    }
  }

  private void removeArtifacts(InstallRecord record, boolean othersRemain) {
    if (othersRemain) {
      AtomicFiles.deleteIfExists(settings.agentPath(settings.runtimeOptionsFile()));
      AtomicFiles.deleteIfExists(settings.recordPath());
      log.accept("other handlers remain on this node: /opt/jvisor stays, only " + settings.handler() + "'s files go");
      return;
    }
    // The link first: nothing may start a shim through it once the files behind it go.
    if (record != null && record.shimLink() != null) {
      ShimLink.remove(settings.agentPath(record.shimLink()));
    }
    // The record goes with /opt/jvisor: it is the last thing removed, so an interrupted uninstall can be rerun.
    new ArtifactInstaller(settings.agentPath(AgentSettings.OPT_DIR)).removeAll();
  }
}
