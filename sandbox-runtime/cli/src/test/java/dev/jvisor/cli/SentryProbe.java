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
 * Whether the Sentry can run a program on this machine yet. The jvisor-handler ITs need it; while it cannot, they
 * are reported as skipped with this reason (and CI's "no KVM test skipped" check flags them), never faked.
 */
final class SentryProbe {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(30);
  private static Optional<String> cached;

  private SentryProbe() {}

  /** Empty when {@code /bin/busybox true} runs in a sandbox and exits 0; else why not. */
  static synchronized Optional<String> whyNot() {
    if (cached == null) {
      cached = probe();
    }
    return cached;
  }

  private static Optional<String> probe() {
    try (Sandbox s = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(64L << 20))) {
      int code = s.start(ProcessSpec.of(List.of("/bin/busybox", "true"), List.of()), new Stdio(-1, -1, -1))
          .waitFor(PROBE_TIMEOUT);
      return code == 0 ? Optional.empty() : Optional.of("the Sentry ran busybox true with exit " + code);
    } catch (RuntimeException | Error e) {
      return Optional.of("the Sentry cannot run programs yet: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.of("interrupted");
    }
  }
}
