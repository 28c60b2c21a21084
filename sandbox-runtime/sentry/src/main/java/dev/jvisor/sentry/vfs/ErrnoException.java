package dev.jvisor.sentry.vfs;

import dev.jvisor.host.Errno;

/** A Linux error travelling up to the syscall boundary, where it becomes -errno. No stack trace: it is control flow. */
public final class ErrnoException extends Exception {
  private final int errno;

  public ErrnoException(int errno) {
    super(Errno.name(errno), null, false, false);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
