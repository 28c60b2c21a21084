package dev.jvisor.nodeagent.lifecycle;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.kube.NodeReporter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The DaemonSet loop behind {@code run}: install, then every poll re-apply the ready label if something dropped it
 * (k3s kubelet restarts can) and act on the operator's uninstall request. When told to stop (SIGTERM) it uninstalls
 * only if the operator asked this node to: a rolling update of the DaemonSet is not an uninstall. A failed install
 * is retried after {@code retryAfter}, with the reason in the status annotation meanwhile.
 */
public final class Supervisor {
  /** Production cadence: label drift and uninstall requests are noticed within this. */
  public static final Duration POLL = Duration.ofSeconds(10);
  /** A failed install (no /dev/kvm, containerd down) is tried again after this. */
  public static final Duration RETRY_AFTER = Duration.ofMinutes(2);

  private final AgentSettings settings;
  private final NodeReporter reporter;
  private final Consumer<String> log;
  private final Duration poll;
  private final Duration retryAfter;
  private boolean installed;
  private boolean uninstalled;

  public Supervisor(AgentSettings settings, NodeReporter reporter, Consumer<String> log, Duration poll,
      Duration retryAfter) {
    this.settings = settings;
    this.reporter = reporter;
    this.log = log;
    this.poll = poll;
    this.retryAfter = retryAfter;
  }

  /** Runs until {@code stop} is counted down, then handles the stop as described above. */
  public void run(CountDownLatch stop) throws InterruptedException {
    long nextAttempt = System.nanoTime();
    do {
      try {
        if (reporter.uninstallRequested()) {
          if (!uninstalled) {
            new Uninstaller(settings, reporter, log).uninstall();
            uninstalled = true;
            installed = false;
          }
        } else if (!installed && System.nanoTime() - nextAttempt >= 0) {
          new Installer(settings, reporter, log).install();
          installed = true;
          uninstalled = false;
        } else if (installed) {
          if (new Installer(settings, reporter, log).syncRuntimeOptions()) {
            log.accept("sandbox options changed: " + settings.runtimeOptionsFile() + " rewritten");
          }
          if (!NodeReporter.READY.equals(reporter.label())) {
            log.accept("ready label missing: re-applying");
            reporter.setLabel(NodeReporter.READY);
          }
        }
      } catch (AgentException e) {
        log.accept("failed: " + e.getMessage() + "; retrying in " + retryAfter);
        nextAttempt = System.nanoTime() + retryAfter.toNanos();
      } catch (RuntimeException e) {
        log.accept("error: " + e + "; retrying in " + poll);
      }
    } while (!stop.await(poll.toMillis(), TimeUnit.MILLISECONDS));
    onStop();
  }

  private void onStop() {
    if (uninstalled) {
      return;
    }
    try {
      if (reporter.uninstallRequested()) {
        log.accept("stopping with uninstall requested: uninstalling");
        new Uninstaller(settings, reporter, log).uninstall();
      } else {
        log.accept("stopping without uninstall request (rolling update?): leaving the node installed");
      }
    } catch (RuntimeException e) {
      log.accept("uninstall on stop failed: " + e.getMessage());
    }
  }

  public boolean installed() {
    return installed;
  }
}
