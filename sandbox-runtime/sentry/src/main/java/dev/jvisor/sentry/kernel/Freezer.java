package dev.jvisor.sentry.kernel;

/**
 * Freezes a whole sandbox without the guest noticing (the shim's Pause): every task is kicked out of the guest and
 * waits at the gate before re-entering it; a task blocked in a syscall stays blocked and waits at the gate when
 * the syscall ends. No signal, no EINTR, no wait(2) status: unlike SIGSTOP, nothing in the guest can see it. Only
 * SIGKILL gets through (a frozen container can always be killed).
 */
final class Freezer {
  private boolean frozen;

  synchronized boolean frozen() {
    return frozen;
  }

  void freeze(Iterable<Task> tasks) {
    synchronized (this) {
      frozen = true;
    }
    for (Task t : tasks) {
      t.kickOutOfGuest();
    }
  }

  synchronized void thaw() {
    frozen = false;
    notifyAll();
  }

  /** Called by a task before it enters the guest: waits while frozen. True when it was killed meanwhile. */
  boolean pass(Task t) {
    synchronized (this) {
      if (frozen) {
        t.offerVcpu(); // a parked task needs no vCPU: tasks of other containers may take it meanwhile
      }
      while (frozen && t.killSignal() == 0) {
        try {
          wait();
        } catch (InterruptedException e) {
          // a kill interrupts the task's thread: re-check
        }
      }
    }
    return t.killSignal() != 0;
  }
}
