package dev.jvisor.sentry;

/**
 * One sandbox: a KVM guest machine, its kernel state (PID space, mounts, the boot log) and its processes.
 * Thread-safe; {@link #close()} kills what still runs and returns guest memory to the host.
 */
public interface Sandbox extends AutoCloseable {
  /** Boots a sandbox. Throws {@link SandboxException} with a user-facing message (e.g. /dev/kvm missing). */
  static Sandbox create(SandboxConfig config) {
    return dev.jvisor.sentry.kernel.Kernel.boot(config, dev.jvisor.sentry.syscalls.Linux64.table());
  }

  /** Starts a process; the first one becomes PID 1. */
  SandboxProcess start(ProcessSpec spec, Stdio stdio);

  /** PIDs of the live processes (thread-group leaders) in the sandbox's PID space. */
  java.util.List<Integer> pids();

  SandboxConfig config();

  /** Guest memory in use right now, in bytes (page tables, process memory, platform structures); -1 if unknown. */
  default long guestMemoryInUse() {
    return -1;
  }

  @Override
  void close();
}
