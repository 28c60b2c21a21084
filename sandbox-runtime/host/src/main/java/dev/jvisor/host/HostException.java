package dev.jvisor.host;

/** A failed host call, named with its errno: {@code KVM_RUN: EFAULT (14)}. */
public final class HostException extends RuntimeException {
  private final int errno;
  private final String call;

  public HostException(String call, int errno) {
    super(call + ": " + Errno.name(errno) + " (" + errno + ")");
    this.call = call;
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  public String call() {
    return call;
  }
}
