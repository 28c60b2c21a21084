package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.vfs.ErrnoException;

/** One syscall's implementation: raw argument registers in, result (or thrown errno) out. */
@FunctionalInterface
public interface SyscallHandler {
  long call(Task t, long a0, long a1, long a2, long a3, long a4, long a5) throws ErrnoException;
}
