package dev.jvisor.sentry.kernel;

/** How far jvisor implements a syscall (gVisor's levels). */
public enum Support {
  /** Implemented as Linux documents it. */
  FULL,
  /** Implemented with the limits its note states. */
  PARTIAL,
  /** Returns an error (ENOSYS unless the note says otherwise). */
  ERROR
}
