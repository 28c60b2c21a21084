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

  /**
   * Starts a process in the mount namespace of another host root (a pod's further container): it shares this
   * sandbox's PID space and kernel, but sees {@code root} as "/" (with its own in-memory overlay, /proc and /dev).
   * Processes started with the same root share one namespace.
   */
  default SandboxProcess start(ProcessSpec spec, Stdio stdio, java.nio.file.Path root) {
    if (root == null || root.equals(config().root())) {
      return start(spec, stdio);
    }
    throw new SandboxException("this sandbox cannot start processes under another root", 125);
  }

  /**
   * A new pseudo-terminal of {@code cols} x {@code rows} inside this sandbox ({@code /dev/pts/N}), for
   * {@link Stdio#withTerminal}. Closing it hangs it up.
   */
  default Terminal openTerminal(int cols, int rows) {
    throw new SandboxException("this sandbox has no terminals", 125);
  }

  /**
   * Mounts {@code mounts}, in order, into the mount namespace of {@code root} (null: the sandbox's own root), for
   * processes started there afterwards. Throws {@link SandboxException} naming the mount that cannot be made.
   */
  default void mount(java.nio.file.Path root, java.util.List<Mount> mounts) {
    if (!mounts.isEmpty()) {
      throw new SandboxException("this sandbox takes no mounts", 125);
    }
  }

  /**
   * Freezes every task (the shim's Pause): none runs guest code until {@link #thaw}, and the guest cannot tell
   * (no signal, no EINTR). SIGKILL still ends a frozen process.
   */
  default void freeze() {
    throw new SandboxException("this sandbox cannot be frozen", 125);
  }

  default void thaw() {
    throw new SandboxException("this sandbox cannot be frozen", 125);
  }

  /**
   * Freezes only the processes started under host root {@code root} (null: the sandbox's own root) and what they
   * start: one container of a pod whose containers share this sandbox, while the others keep running. Invisible
   * to the guest like {@link #freeze()}; SIGKILL still ends a frozen process.
   */
  default void freeze(java.nio.file.Path root) {
    throw new SandboxException("this sandbox cannot freeze one container", 125);
  }

  default void thaw(java.nio.file.Path root) {
    throw new SandboxException("this sandbox cannot freeze one container", 125);
  }

  /** Host CPU time its processes have used (guest and Sentry time), in nanoseconds; -1 if unknown. */
  default long cpuNanos() {
    return -1;
  }

  /**
   * Calls {@code listener} when the guest runs out of its memory (an allocation finds no free frame even after the
   * page cache gave its frames back), at most once per second: Linux's memory.events "oom". It must not block.
   */
  default void onOutOfMemory(Runnable listener) {}

  /**
   * Calls {@code listener} for each process the OOM killer ends with SIGKILL (the process whose allocation found
   * no frame; see the kernel's OomKiller): memory.events "oom_kill". It must not block.
   */
  default void onOomKill(java.util.function.Consumer<OomKill> listener) {}

  /** Processes the OOM killer has ended so far. */
  default long oomKills() {
    return 0;
  }

  /**
   * Guest memory that may be in use, in bytes: its size ({@link SandboxConfig#memoryBytes}) unless {@link
   * #limitMemory} lowered it. Beyond it the OOM killer runs.
   */
  default long memoryLimit() {
    return config().memoryBytes();
  }

  /**
   * Changes how much guest memory may be in use (the shim's Update of memory.limit), down or back up to the size
   * the sandbox booted with: the guest's memory cannot grow. Throws {@link SandboxException} for a limit above that
   * size or below what is in use (after the page cache gave its frames back), changing nothing.
   */
  default void limitMemory(long bytes) {
    throw new SandboxException("this sandbox's memory limit cannot change", 125);
  }

  /** Live tasks (threads included, as pids.max counts) beyond which clone fails with EAGAIN. */
  default int taskLimit() {
    return config().maxTasks();
  }

  /** Changes {@link #taskLimit} (the shim's Update of pids.limit); tasks already running stay. */
  default void limitTasks(int n) {
    throw new SandboxException("this sandbox's task limit cannot change", 125);
  }

  /** PIDs of the live processes (thread-group leaders) in the sandbox's PID space. */
  java.util.List<Integer> pids();

  SandboxConfig config();

  /**
   * Guest memory in use right now, in bytes (page tables, process memory, platform structures; not file pages
   * only the page cache holds, which are given back on demand); -1 if unknown.
   */
  default long guestMemoryInUse() {
    return -1;
  }

  @Override
  void close();
}
