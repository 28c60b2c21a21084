package dev.jvisor.sentry.mm;

/** A guest pointer that does not name accessible memory: becomes EFAULT at the syscall boundary. */
public final class BadAddressException extends Exception {
  public BadAddressException(long va) {
    super("bad guest address 0x" + Long.toHexString(va), null, false, false);
  }
}
