package dev.jvisor.sentry.mm;

/**
 * No guest frame for a page table (a fault's intermediate table, a fork's copy). Unchecked because it comes from
 * deep inside {@link PageTable#map}; {@link MemoryManager} turns it into {@link FaultResult#OOM} or ENOMEM, and a
 * task that meets it elsewhere has already been chosen by the OOM killer (see {@link PhysicalMemory#onExhausted}).
 */
public final class OutOfGuestMemoryException extends RuntimeException {
  public OutOfGuestMemoryException(String what) {
    super("guest memory exhausted (" + what + ")", null, false, false);
  }
}
