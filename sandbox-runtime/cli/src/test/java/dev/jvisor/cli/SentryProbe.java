package dev.jvisor.cli;

import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.Stdio;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What the Sentry can do on this machine yet. The jvisor-handler ITs need it to run programs, and most of the
 * kubelet flow needs fork (a shell pipeline, a loop calling sleep). While it cannot, those ITs are reported as
 * skipped with the reason (and CI's "no KVM test skipped" check flags them), never faked.
 */
final class SentryProbe {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
  private static Optional<String> runs;
  private static Optional<String> forks;

  private SentryProbe() {}

  /** Empty when {@code /bin/busybox true} runs in a sandbox and exits 0; else why not. */
  static synchronized Optional<String> cannotRunPrograms() {
    if (runs == null) {
      runs = probe(List.of("/bin/busybox", "true"), "run busybox true");
    }
    return runs;
  }

  /** Empty when a shell pipeline (fork + exec + pipe) works. */
  static synchronized Optional<String> cannotFork() {
    if (forks == null) {
      forks = cannotRunPrograms().or(() -> probe(List.of("/bin/busybox", "sh", "-c",
          "/bin/busybox true | /bin/busybox true"), "fork a shell pipeline"));
    }
    return forks;
  }

  private static Optional<String> signals;

  /**
   * Empty when a signal sent from the host ({@code SandboxProcess.signal(SIGTERM)}) runs the process's own handler,
   * as StopContainer needs for a graceful stop.
   */
  static synchronized Optional<String> cannotDeliverHostSignalsToHandlers() {
    if (signals == null) {
      signals = cannotFork().or(SentryProbe::probeSignal);
    }
    return signals;
  }

  private static Optional<String> probeSignal() {
    try (Sandbox s = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(64L << 20))) {
      var p = s.start(ProcessSpec.of(List.of("/bin/busybox", "sh", "-c",
          "trap 'exit 0' TERM; while true; do /bin/busybox sleep 1; done"), List.of("PATH=/bin")),
          new Stdio(-1, -1, -1));
      Thread.sleep(500); // let the shell install its trap
      p.signal(15);
      int code = p.waitFor(PROBE_TIMEOUT);
      return code == 0 ? Optional.empty() : Optional.of("SandboxProcess.signal(SIGTERM) does not run the process's "
          + "TERM handler yet: a shell with trap 'exit 0' TERM ended with " + code + " (in-guest kill -TERM does)");
    } catch (RuntimeException | Error e) {
      return Optional.of("signal probe failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }

  private static Optional<String> probe(List<String> argv, String what) {
    try (Sandbox s = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(64L << 20))) {
      int code = s.start(ProcessSpec.of(argv, List.of("PATH=/bin")), new Stdio(-1, -1, -1)).waitFor(PROBE_TIMEOUT);
      return code == 0 ? Optional.empty() : Optional.of("the Sentry cannot " + what + " yet (exit " + code + ")");
    } catch (RuntimeException | Error e) {
      return Optional.of("the Sentry cannot " + what + " yet: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
