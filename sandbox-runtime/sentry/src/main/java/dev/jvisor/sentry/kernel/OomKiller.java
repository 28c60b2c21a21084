package dev.jvisor.sentry.kernel;

import dev.jvisor.sentry.OomKill;
import dev.jvisor.sentry.mm.MemoryManager;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * What happens when guest memory runs out. The guest's memory is the container's memory limit, so this is a memory
 * cgroup's OOM under Linux: a process is killed with SIGKILL (its container then exits 137, and the shim publishes
 * {@code /tasks/oom}), the kernel log says "Out of memory: Killed process N (comm) ...", and everything else keeps
 * running. Never a SIGSEGV: the access was allowed, only the memory was missing.
 *
 * <p>The victim is the process whose task wanted the frame, as with Linux's {@code vm.oom_kill_allocating_task=1},
 * not the largest process {@code oom_badness} would pick. The allocation fails on that task's own thread, inside a
 * fault or syscall that cannot go on without the frame: killing it frees memory and ends the failing fault in one
 * step, while killing another process would leave this one to retry and would let a runaway child take down a pod's
 * PID 1 (the shell or server that started it). The cost: an innocent process that faults at the wrong moment dies
 * instead of the hog; in a container that is usually the same process.
 *
 * <p>Allocations on host threads (the shim loading a new process's image) kill nothing: their caller gets an error.
 */
final class OomKiller {
  private static final long PAGE_KB = dev.jvisor.sentry.arch.X86.PAGE_SIZE >> 10;
  private final Kernel kernel;
  private final KernelLog log;
  private final AtomicLong kills = new AtomicLong();
  private final List<Runnable> exhaustedListeners = new CopyOnWriteArrayList<>();
  private final List<Consumer<OomKill>> killListeners = new CopyOnWriteArrayList<>();

  OomKiller(Kernel kernel, KernelLog log) {
    this.kernel = kernel;
    this.log = log;
  }

  /** {@link dev.jvisor.sentry.mm.PhysicalMemory#onExhausted}: on the thread whose allocation failed. */
  void memoryExhausted() {
    Task t = Task.current();
    if (t != null && t.kernel() == kernel) {
      kill(t);
    }
    for (Runnable r : exhaustedListeners) {
      r.run();
    }
  }

  /** Every allocation that failed for good (after the page cache shrank), killing or not. */
  void onExhausted(Runnable listener) {
    exhaustedListeners.add(listener);
  }

  void onKill(Consumer<OomKill> listener) {
    killListeners.add(listener);
  }

  long kills() {
    return kills.get();
  }

  private void kill(Task t) {
    ThreadGroup tg = t.threadGroup();
    ExitStatus killed = ExitStatus.killed(Signals.SIGKILL);
    synchronized (tg) {
      if (tg.pendingStatus != null) {
        return; // already dying (another of its threads failed first, or it was exiting): one kill, one report
      }
      tg.pendingStatus = killed;
    }
    kernel.exitThreadGroup(tg, killed);
    t.kill(Signals.SIGKILL); // exitThreadGroup spares the caller: it stops on its way back to the guest
    kills.incrementAndGet();
    log.log(BootLog.KERN_ERR, report(t, tg)); // pr_err, as Linux logs it
    OomKill k = new OomKill(tg.pid, t.comm(), kernel.rootOf(t.vfs()));
    for (Consumer<OomKill> l : killListeners) {
      l.accept(k);
    }
  }

  /** Linux's line (mm/oom_kill.c, __oom_kill_process), with this process's numbers. */
  private static String report(Task t, ThreadGroup tg) {
    MemoryManager mm = t.mm();
    long[] rss = mm.residentPagesByKind();
    return String.format("Out of memory: Killed process %d (%s) total-vm:%dkB, anon-rss:%dkB, file-rss:%dkB, "
        + "shmem-rss:%dkB, UID:%d pgtables:%dkB oom_score_adj:0", tg.pid, t.comm(), mm.virtualBytes() >> 10,
        rss[0] * PAGE_KB, rss[1] * PAGE_KB, rss[2] * PAGE_KB, tg.creds().uids()[0], mm.pageTablePages() * PAGE_KB);
  }
}
