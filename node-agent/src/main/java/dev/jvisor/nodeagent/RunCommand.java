package dev.jvisor.nodeagent;

import dev.jvisor.nodeagent.kube.NodeReporter;
import dev.jvisor.nodeagent.lifecycle.AgentSettings;
import dev.jvisor.nodeagent.lifecycle.Installer;
import dev.jvisor.nodeagent.lifecycle.Uninstaller;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * DaemonSet mode: install, report, then watch. Every poll re-applies the ready label if something dropped it
 * (k3s kubelet restarts can) and checks the operator's uninstall request. On SIGTERM it uninstalls only when the
 * operator asked this node to (a rolling update of the DaemonSet is not an uninstall). A failed install is retried
 * after {@link #RETRY_AFTER}, with the reason in the status annotation meanwhile.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "DaemonSet mode: install, report, watch; uninstall on the operator's request.")
final class RunCommand implements Callable<Integer> {
  static final Duration POLL = Duration.ofSeconds(10);
  static final Duration RETRY_AFTER = Duration.ofMinutes(2);

  @Mixin
  CommonOptions options;

  @Override
  public Integer call() throws InterruptedException {
    Consumer<String> log = CommonOptions.log();
    AgentSettings settings = options.settings();
    NodeReporter reporter = options.reporter();
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    AtomicBoolean uninstalled = new AtomicBoolean(false);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        // Waits are bounded inside (lock, restart, verification), so this ends within the grace period.
        stopped.await(settings.verifyTimeout().multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sigterm"));
    try {
      boolean installed = false;
      long nextAttempt = System.nanoTime();
      do {
        try {
          if (reporter.uninstallRequested()) {
            if (!uninstalled.get()) {
              new Uninstaller(settings, reporter, log).uninstall();
              uninstalled.set(true);
              installed = false;
            }
          } else if (!installed && System.nanoTime() - nextAttempt >= 0) {
            new Installer(settings, reporter, log).install();
            installed = true;
            uninstalled.set(false);
          } else if (installed && !NodeReporter.READY.equals(reporter.label())) {
            log.accept("ready label missing: re-applying");
            reporter.setLabel(NodeReporter.READY);
          }
        } catch (AgentException e) {
          log.accept("failed: " + e.getMessage() + "; retrying in " + RETRY_AFTER);
          nextAttempt = System.nanoTime() + RETRY_AFTER.toNanos();
        } catch (RuntimeException e) {
          log.accept("error: " + e + "; retrying in " + POLL);
        }
      } while (!stop.await(POLL.toMillis(), TimeUnit.MILLISECONDS));
      if (!uninstalled.get()) {
        try {
          if (reporter.uninstallRequested()) {
            log.accept("SIGTERM with uninstall requested: uninstalling");
            new Uninstaller(settings, reporter, log).uninstall();
          } else {
            log.accept("SIGTERM without uninstall request (rolling update?): leaving the node installed");
          }
        } catch (RuntimeException e) {
          log.accept("uninstall on SIGTERM failed: " + e.getMessage());
        }
      }
      return 0;
    } finally {
      stopped.countDown();
    }
  }
}
