package dev.jvisor.sentry;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How to boot a sandbox.
 *
 * @param root host directory that becomes the sandbox's "/" (resolved without ever following a host symlink out)
 * @param overlay when true the root is read-only underneath an in-memory writable layer, so the host never changes
 *     (how {@code jvisor do} runs); when false, writes are refused with EROFS unless the root is writable
 * @param hostname what uname(2) reports as nodename
 * @param memoryBytes upper bound on guest memory
 * @param kernelRelease what uname(2) reports as release
 * @param debug log platform decisions to {@code log}
 * @param strace print every syscall with decoded arguments and result to {@code log}
 * @param maxTasks fork-bomb bound: clone beyond this many live tasks fails with EAGAIN
 * @param log where debug and strace lines go
 */
public record SandboxConfig(
    Path root,
    boolean overlay,
    String hostname,
    long memoryBytes,
    String kernelRelease,
    boolean debug,
    boolean strace,
    int maxTasks,
    PrintStream log) {

  public static final long DEFAULT_MEMORY = 2L << 30;
  public static final String DEFAULT_KERNEL_RELEASE = "4.4.0";
  public static final int DEFAULT_MAX_TASKS = 512;

  public SandboxConfig {
    Objects.requireNonNull(root, "root");
    hostname = hostname == null || hostname.isEmpty() ? "jvisor" : hostname;
    kernelRelease = kernelRelease == null || kernelRelease.isEmpty() ? DEFAULT_KERNEL_RELEASE : kernelRelease;
    if (memoryBytes < (16L << 20)) {
      throw new IllegalArgumentException("sandbox memory must be at least 16M, got " + memoryBytes + " bytes");
    }
    if (maxTasks < 1) {
      throw new IllegalArgumentException("maxTasks must be positive");
    }
    log = log == null ? System.err : log;
  }

  /** The defaults of {@code jvisor do}: host root read-only under an in-memory overlay. */
  public static SandboxConfig forRoot(Path root) {
    return new SandboxConfig(root, true, "jvisor", DEFAULT_MEMORY, DEFAULT_KERNEL_RELEASE, false, false,
        DEFAULT_MAX_TASKS, System.err);
  }

  public SandboxConfig withDebug(boolean d) {
    return new SandboxConfig(root, overlay, hostname, memoryBytes, kernelRelease, d, strace, maxTasks, log);
  }

  public SandboxConfig withStrace(boolean s) {
    return new SandboxConfig(root, overlay, hostname, memoryBytes, kernelRelease, debug, s, maxTasks, log);
  }

  public SandboxConfig withHostname(String h) {
    return new SandboxConfig(root, overlay, h, memoryBytes, kernelRelease, debug, strace, maxTasks, log);
  }

  public SandboxConfig withMemory(long bytes) {
    return new SandboxConfig(root, overlay, hostname, bytes, kernelRelease, debug, strace, maxTasks, log);
  }

  public SandboxConfig withKernelRelease(String r) {
    return new SandboxConfig(root, overlay, hostname, memoryBytes, r, debug, strace, maxTasks, log);
  }

  public SandboxConfig withOverlay(boolean o) {
    return new SandboxConfig(root, o, hostname, memoryBytes, kernelRelease, debug, strace, maxTasks, log);
  }

  public SandboxConfig withMaxTasks(int n) {
    return new SandboxConfig(root, overlay, hostname, memoryBytes, kernelRelease, debug, strace, n, log);
  }

  public SandboxConfig withLog(PrintStream l) {
    return new SandboxConfig(root, overlay, hostname, memoryBytes, kernelRelease, debug, strace, maxTasks, l);
  }
}
