package dev.jvisor.sentry.syscalls;

/** The zero of the sandbox's monotonic clocks, shared by clock_gettime and futex timeouts. */
final class TimeBase {
  private static final long MONO_BASE = System.nanoTime() - 3600L * 1_000_000_000L;

  private TimeBase() {}

  static long monoBase() {
    return MONO_BASE;
  }
}
