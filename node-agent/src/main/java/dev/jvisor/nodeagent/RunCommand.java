package dev.jvisor.nodeagent;

import dev.jvisor.nodeagent.lifecycle.AgentSettings;
import dev.jvisor.nodeagent.lifecycle.Supervisor;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** DaemonSet mode: {@link Supervisor} until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
    description = "DaemonSet mode: install, report, watch; uninstall on the operator's request.")
final class RunCommand implements Callable<Integer> {
  @Mixin
  CommonOptions options;

  @Override
  public Integer call() throws InterruptedException {
    AgentSettings settings = options.settings();
    Supervisor supervisor = new Supervisor(settings, options.reporter(), CommonOptions.log(), Supervisor.POLL,
        Supervisor.RETRY_AFTER);
    CountDownLatch stop = new CountDownLatch(1);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stop.countDown();
      try {
        // Every wait inside is bounded (lock, restart, verification), so this ends within the grace period.
        stopped.await(settings.verifyTimeout().multipliedBy(3).toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "sigterm"));
    try {
      supervisor.run(stop);
      return 0;
    } finally {
      stopped.countDown();
    }
  }
}
