package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.vfs.Vfs;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;

/**
 * Freezes tasks without the guest noticing (the shim's Pause): the whole sandbox, or one mount namespace's tasks
 * (one container of a pod whose containers share this Sentry; the others keep running). A frozen task is kicked
 * out of the guest and waits at the gate before re-entering it; a task blocked in a syscall stays blocked and waits
 * at the gate when the syscall ends; a task cloned meanwhile waits before its first instruction. No signal, no EINTR,
 * no wait(2) status: unlike SIGSTOP, nothing in the guest can see it. Only SIGKILL gets through (a frozen container
 * can always be killed).
 */
final class Freezer {
  /** The whole sandbox is frozen; guarded by this. */
  private boolean all;
  /** Mount namespaces (containers) frozen on their own; guarded by this. A task's namespace never changes. */
  private final Set<Vfs> namespaces = Collections.newSetFromMap(new IdentityHashMap<>());

  synchronized boolean frozen() {
    return all;
  }

  synchronized boolean frozen(Vfs namespace) {
    return namespaces.contains(namespace);
  }

  private synchronized boolean holds(Task t) {
    return all || namespaces.contains(t.vfs());
  }

  void freeze(Iterable<Task> tasks) {
    synchronized (this) {
      all = true;
    }
    for (Task t : tasks) {
      t.kickOutOfGuest();
    }
  }

  /** Freezes the tasks whose mount namespace is {@code namespace}, now and as they are created. */
  void freeze(Vfs namespace, Iterable<Task> tasks) {
    synchronized (this) {
      namespaces.add(namespace);
    }
    for (Task t : tasks) {
      if (t.vfs() == namespace) {
        t.kickOutOfGuest();
      }
    }
  }

  synchronized void thaw() {
    all = false;
    notifyAll();
  }

  synchronized void thaw(Vfs namespace) {
    namespaces.remove(namespace);
    notifyAll();
  }

  /** Called by a task before it enters the guest: waits while frozen. True when it was killed meanwhile. */
  boolean pass(Task t) {
    synchronized (this) {
      if (holds(t)) {
        t.offerVcpu(); // a parked task needs no vCPU: tasks of other containers may take it meanwhile
      }
      while (holds(t) && t.killSignal() == 0) {
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
