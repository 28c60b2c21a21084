package dev.jvisor.sentry.kernel;

import static dev.jvisor.sentry.arch.FastTrampoline.*;

import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.mm.PhysicalMemory;
import java.util.concurrent.locks.LockSupport;

/**
 * The host side of the shared-page syscall path (PVM): a poller thread per task watches the task's request page
 * while its vCPU is in the guest and serves short, never-blocking syscalls there, so they cost no VM exit. It
 * spins only while syscalls keep coming ({@link #IDLE_NANOS}); then it parks, and the guest's next request times
 * out into the ordinary exit, whose return wakes the poller again. Blocking syscalls, anything touching
 * registers, and requests made while a signal is pending are left to the exit path.
 *
 * <p>A poller costs a core while it spins, and on a small machine that core is the one another task needed: two
 * tasks ping-ponging through a pipe or a futex ran 30-100% slower with pollers spinning beside them. So the page
 * is open (ENABLED = 1) and the poller woken on guest entry only while it is worth it: after {@link
 * #USELESS_STAYS} guest stays in a row in which it served nothing, the page closes and the guest takes the exit at
 * once, until the task thread sees, through an exit, a syscall the poller would have served.
 */
final class FastPath {
  private static final long IDLE_NANOS = 200_000;
  /** Guest stays without a served request before the page closes. */
  private static final int USELESS_STAYS = 8;
  private static final boolean[] SERVED = new boolean[512];

  static {
    // Short and non-blocking, using only their arguments and state that is shared safely between threads
    // (the address space, the fd table): safe to run while the vCPU is in the guest. Signal masks and
    // dispositions stay on the task's own thread.
    for (int nr : new int[] {39, 110, 186, 102, 104, 107, 108, 228, 96, 201, 63, 24, 309, 318, 8, 5, 262, 4, 6,
        79, 9, 10, 11, 12, 28, 17, 21, 89, 267, 257, 3, 332}) {
      SERVED[nr] = true;
    }
  }

  private final Task task;
  private final PhysicalMemory memory;
  private final SyscallTable table;
  private final Thread thread;
  private volatile long page = -1;
  private volatile boolean inGuest;
  private volatile boolean stopped;
  private volatile boolean handoff;
  /** The address space has this one task (one request page per address space). */
  private volatile boolean enabled;
  private volatile long served;
  // Task thread only: whether the page is open (what ENABLED says), the count at entry, the run of useless stays.
  private boolean open;
  private long servedAtEntry;
  private int uselessStays;

  FastPath(Task task, Kernel kernel) {
    this.task = task;
    this.memory = kernel.platform().memory();
    this.table = kernel.syscalls();
    this.thread = new Thread(this::poll, "jvisor-fastpath-" + task.tid());
    thread.setDaemon(true);
  }

  /** The poller thread starts on the first guest entry with the page open: threads sharing an mm never need one. */
  private boolean started;

  /**
   * The task (re)entered an address space: serve its request page if it is the only task using it. Synchronized
   * with {@link #poll}'s serving, so once this returns the old page (freed with its address space, and then
   * possibly reused for anything) is never touched again.
   */
  synchronized void attach(MemoryManager mm) {
    long p = task.kernel().platform().requestPage(mm.pageTable());
    page = p;
    enabled = p >= 0 && mm.users() == 1;
    open = enabled;
    uselessStays = 0;
    if (p >= 0) {
      byte[] map = servedMap(SERVED);
      memory.write(p + SERVED_MAP, map, 0, map.length);
      memory.setIntRelease(p + ENABLED, open ? 1 : 0);
    }
  }

  /** Another task now shares the address space: both fall back to exits (one request page per mm). */
  synchronized void disable() {
    enabled = false;
    long p = page;
    if (p >= 0) {
      memory.setIntRelease(p + ENABLED, 0);
    }
  }

  void enterGuest() {
    inGuest = true;
    if (open) {
      servedAtEntry = served;
      if (!started) {
        started = true;
        thread.start();
      } else {
        LockSupport.unpark(thread);
      }
    }
  }

  void leaveGuest() {
    inGuest = false;
    if (open && served == servedAtEntry && ++uselessStays >= USELESS_STAYS) {
      setOpen(false);
    } else if (served != servedAtEntry) {
      uselessStays = 0;
    }
  }

  /** The task thread took syscall {@code nr} through an exit: one the poller would have served reopens the page. */
  void exited(int nr) {
    if (eligible(nr)) {
      uselessStays = 0;
      if (!open && enabled) {
        setOpen(true);
      }
    }
  }

  private synchronized void setOpen(boolean value) {
    long p = page;
    open = value && enabled;
    if (p >= 0 && (enabled || !value)) {
      memory.setIntRelease(p + ENABLED, open ? 1 : 0);
    }
  }

  synchronized void stop() {
    stopped = true;
    page = -1;
    LockSupport.unpark(thread);
  }

  private void poll() {
    Task.bindCurrent(task);
    while (!stopped) {
      long idleSince = System.nanoTime();
      while (inGuest && !stopped) {
        long p = page;
        if (p >= 0 && memory.getIntAcquire(p + STATE) == REQUEST && serveIfCurrent(p)) {
          idleSince = System.nanoTime();
        } else if (System.nanoTime() - idleSince > IDLE_NANOS) {
          break;
        } else {
          Thread.onSpinWait();
        }
      }
      LockSupport.park(this);
    }
  }

  private synchronized boolean serveIfCurrent(long p) {
    return p == page && !stopped && serve(p);
  }

  private boolean serve(long p) {
    long peek = memory.getLong(p + NR);
    if (!eligible(peek) || task.signalPending() || task.exiting() || task.mm().users() != 1) {
      return false; // the guest retracts and exits
    }
    if (!memory.compareAndSetInt(p + STATE, REQUEST, SERVING)) {
      return false;
    }
    // Only now are NR and the arguments ours: between the peek and the CAS the guest may have retracted, exited,
    // and published a new request (ABA). The guest no longer retracts a SERVING request, so a request that turns
    // out not to be ours to run here goes to the task thread: kick the vCPU out of the guest.
    long nr = memory.getLong(p + NR);
    if (!eligible(nr)) {
      handoff = true;
      task.kickForJobControl();
      return true;
    }
    complete(p, nr);
    return true;
  }

  private static boolean eligible(long nr) {
    return nr >= 0 && nr < SERVED.length && SERVED[(int) nr];
  }

  private void complete(long p, long nr) {
    long r = table.dispatch(task, (int) nr, memory.getLong(p + ARGS), memory.getLong(p + ARGS + 8),
        memory.getLong(p + ARGS + 16), memory.getLong(p + ARGS + 24), memory.getLong(p + ARGS + 32),
        memory.getLong(p + ARGS + 40));
    memory.putLong(p + RESULT, r);
    memory.setIntRelease(p + STATE, DONE);
    served++;
    task.kernel().fastSyscallsServed.increment();
  }

  /** On the task thread after an interrupt: runs a request the poller claimed but could not serve itself. */
  boolean serveHandoff() {
    if (!handoff) {
      return false;
    }
    handoff = false;
    long p = page;
    complete(p, memory.getLong(p + NR));
    return true;
  }
}
