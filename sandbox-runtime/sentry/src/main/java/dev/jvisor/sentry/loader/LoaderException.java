package dev.jvisor.sentry.loader;

import dev.jvisor.sentry.vfs.ErrnoException;

/** A file that cannot be executed: the errno for execve, and a sentence for the user. */
public final class LoaderException extends Exception {
  private final int errno;

  public LoaderException(int errno, String message) {
    super(message, null, false, false);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  public ErrnoException asErrno() {
    return new ErrnoException(errno);
  }
}
