package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.platform.Platform;
import dev.jvisor.sentry.platform.Vcpu;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Shares the platform's vCPUs among tasks when there are more tasks than vCPUs. Below the limit every task keeps
 * its own vCPU and this costs a volatile write and a CAS per syscall. At the limit a task that needs a vCPU takes
 * one from a task that is inside a syscall (its user state is saved off the vCPU and reloaded on another when its
 * syscall is done), or waits; while tasks wait, tasks that have run in the guest for a whole {@link #TIME_SLICE}
 * are kicked out and give their vCPU up, so CPU-bound tasks cannot starve the rest.
 *
 * <p>A task's vCPU state ({@link Task#vcpuState}) moves RUNNING -> IN_SYSCALL on its own thread at a syscall, back
 * with a CAS when the syscall is done, or IN_SYSCALL -> TAKEN by a CAS here. Taking and loading happen under this
 * object's lock, so a task whose vCPU was taken waits here until its context is saved.
 */
final class VcpuScheduler {
  static final Duration TIME_SLICE = Duration.ofMillis(10);

  private final Platform platform;
  private final Kernel kernel;
  private volatile int waiters;
  /** For --debug: vCPUs taken from tasks in syscalls, and time slices ended by preemption. */
  final java.util.concurrent.atomic.LongAdder steals = new java.util.concurrent.atomic.LongAdder();
  final java.util.concurrent.atomic.LongAdder preemptions = new java.util.concurrent.atomic.LongAdder();
  private Thread preempter;

  VcpuScheduler(Platform platform, Kernel kernel) {
    this.platform = platform;
    this.kernel = kernel;
  }

  /** Whether tasks wait for vCPUs. */
  boolean underPressure() {
    return waiters > 0;
  }

  /**
   * A vCPU bound to the calling task's thread, loaded with {@code context} (null: a fresh task's state). A
   * {@code polite} caller (one that just gave a vCPU up) lets the waiting tasks go first.
   */
  Vcpu acquire(Task t, Object context, boolean polite) {
    boolean interrupted = false;
    try {
      synchronized (this) {
        if (polite && waiters > 0) {
          interrupted |= await();
        }
        while (true) {
          Vcpu v = platform.newVcpu(); // already in a fresh task's state, bound to this thread
          if (v != null) {
            if (context != null) {
              v.loadContext(context);
            }
            return v;
          }
          v = steal(t);
          if (v != null) {
            v.loadContext(context);
            return v;
          }
          waiters++;
          startPreempter();
          try {
            interrupted |= await();
          } finally {
            waiters--;
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt(); // for the syscall that was interrupted (a signal or a kill)
      }
    }
  }

  /** Waits one time slice or until a vCPU may be free; true if the thread was interrupted meanwhile. */
  private boolean await() {
    try {
      wait(TIME_SLICE.toMillis());
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /** Takes the vCPU of a task inside a syscall, saving that task's state; null if there is none. */
  private Vcpu steal(Task thief) {
    for (Task victim : kernel.allTasks()) {
      if (victim != thief) {
        Vcpu v = victim.surrenderVcpu();
        if (v != null) {
          steals.increment();
          return v;
        }
      }
    }
    return null;
  }

  /** A task entered a syscall: waiting tasks may take its vCPU now. */
  void offered() {
    if (waiters > 0) {
      synchronized (this) {
        notifyAll();
      }
    }
  }

  /** A preempted task gives its vCPU up. */
  void yielded(Vcpu v) {
    preemptions.increment();
    release(v);
  }

  /** A preempted or exiting task gives its vCPU back. */
  synchronized void release(Vcpu v) {
    v.close();
    notifyAll();
  }

  private void startPreempter() {
    if (preempter != null) {
      return;
    }
    preempter = new Thread(this::preemptLoop, "jvisor-vcpu-preempter");
    preempter.setDaemon(true);
    preempter.start();
  }

  /** While tasks wait, kicks tasks that have been in the guest for a whole time slice. */
  private void preemptLoop() {
    long slice = TIME_SLICE.toNanos();
    while (!kernel.isShutDown()) {
      try {
        Thread.sleep(TIME_SLICE.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      if (!underPressure()) {
        continue;
      }
      long now = System.nanoTime();
      for (Task t : kernel.allTasks()) {
        long since = t.inGuestSince();
        if (since != 0 && now - since >= slice) {
          t.preempt();
        }
      }
    }
  }
}
