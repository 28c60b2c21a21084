package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.SyscallTable;

/** Syscalls that fail on purpose, with the reason, so `jvisor help syscalls` documents them. */
final class Unsupported {
  private Unsupported() {}

  static void register(SyscallTable t) {
    t.error("ptrace", Errno.EPERM, "Tracing other processes is not allowed: EPERM.");
    t.error("mount", Errno.EPERM, "Mounts are fixed when the sandbox starts: EPERM.");
    t.error("umount2", Errno.EPERM, "Mounts are fixed when the sandbox starts: EPERM.");
    t.error("reboot", Errno.EPERM, "EPERM.");
    t.error("init_module", Errno.EPERM, "No kernel modules: EPERM.");
    t.error("finit_module", Errno.EPERM, "No kernel modules: EPERM.");
    t.error("delete_module", Errno.EPERM, "No kernel modules: EPERM.");
    t.error("kexec_load", Errno.EPERM, "EPERM.");
    t.error("bpf", Errno.EPERM, "EPERM.");
    t.error("perf_event_open", Errno.ENODEV, "No performance counters: ENODEV.");
    t.error("io_uring_setup", Errno.ENOSYS, "io_uring is not supported: ENOSYS.");
    t.error("userfaultfd", Errno.ENOSYS, "ENOSYS.");
    t.error("membarrier", Errno.ENOSYS, "ENOSYS.");
    t.error("mincore", Errno.ENOSYS, "ENOSYS.");
    t.error("get_mempolicy", Errno.ENOSYS, "NUMA policies are not supported: ENOSYS.");
    t.error("set_mempolicy", Errno.ENOSYS, "NUMA policies are not supported: ENOSYS.");
    t.error("mbind", Errno.ENOSYS, "NUMA policies are not supported: ENOSYS.");
    t.error("openat2", Errno.ENOSYS, "ENOSYS: callers fall back to openat.");
  }
}
