package dev.jvisor.sentry.kernel;

import static dev.jvisor.host.Kvm.*;

import dev.jvisor.sentry.arch.X86;
import dev.jvisor.sentry.mm.FaultResult;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.mm.OutOfGuestMemoryException;
import dev.jvisor.sentry.platform.ExitKind;
import dev.jvisor.sentry.platform.Vcpu;
import dev.jvisor.sentry.vfs.FdTable;

/**
 * A schedulable thread of guest execution, run by one dedicated host platform thread that owns one vCPU.
 * Blocking syscalls block only this thread. The run loop: enter the guest, serve the exit (syscall or fault),
 * repeat until the task exits.
 */
public final class Task {
  private static final ThreadLocal<Task> CURRENT = new ThreadLocal<>();

  private final Kernel kernel;
  private final int tid;
  private final ThreadGroup tg;
  private volatile MemoryManager mm;
  private final FdTable fds;
  /** The task's mount namespace: its root filesystem, /proc and /dev (one per container in a pod). */
  private final dev.jvisor.sentry.vfs.Vfs vfs;
  private volatile String cwd;
  private volatile int umask = 022;
  private volatile String comm = "";
  /** This task's vCPU; null while another task has it (see VcpuScheduler). Read by other threads only to kick. */
  private volatile Vcpu cpu;
  /** The user state saved off a vCPU that was taken away, to load into the next one. */
  private Object savedContext;
  /** Where the vCPU is: in use by this task, idle in a syscall (may be taken), or taken (see VcpuScheduler). */
  final java.util.concurrent.atomic.AtomicInteger vcpuState = new java.util.concurrent.atomic.AtomicInteger();
  static final int VCPU_RUNNING = 0, VCPU_IN_SYSCALL = 1, VCPU_TAKEN = 2;
  private volatile long inGuestSince;
  private volatile boolean preemptRequested;
  private volatile boolean exiting;
  private volatile Thread thread;
  private volatile java.util.concurrent.CountDownLatch vforkDone;
  private FastPath fastPath;
  private volatile int killSignal;
  private long clearChildTid;
  /** set_robust_list's head (0: none), walked when the task exits or execs. */
  private volatile long robustList;
  final long[][] sigactions = new long[Signals.NSIG + 1][4];
  volatile long sigmask;
  private long pending;
  private final byte[][] pendingInfo = new byte[Signals.NSIG + 1][];
  private long altStackSp;
  private long altStackSize;
  /** rt_sigsuspend's caller mask: what the handler frame saves and what applies again afterwards. */
  private Long suspendMask;
  /** sched_* / nice state (recorded, not enforced). */
  private volatile Sched sched = Sched.initial();

  Task(Kernel kernel, int tid, ThreadGroup tg, MemoryManager mm, FdTable fds, String cwd,
      dev.jvisor.sentry.vfs.Vfs vfs) {
    this.kernel = kernel;
    this.vfs = vfs;
    this.tid = tid;
    this.tg = tg;
    this.mm = mm;
    this.fds = fds;
    this.cwd = cwd;
  }

  /** Makes {@code t} the current task of this host thread (the fast-path poller serves on its behalf). */
  static void bindCurrent(Task t) {
    CURRENT.set(t);
  }

  /** The task whose thread is calling (for /proc/self), or null on a host-only thread. */
  public static Task current() {
    return CURRENT.get();
  }

  public Kernel kernel() {
    return kernel;
  }

  public int tid() {
    return tid;
  }

  public ThreadGroup threadGroup() {
    return tg;
  }

  public MemoryManager mm() {
    return mm;
  }

  /** Replaces the address space (execve); the caller destroys the old one. */
  public void setMm(MemoryManager newMm) {
    this.mm = newMm;
    Vcpu v = vcpu();
    if (v != null) {
      v.setPageTableRoot(newMm.pageTable().root());
    }
    if (fastPath != null) {
      fastPath.attach(newMm);
    }
  }

  /** Another task started sharing this task's address space. */
  void addressSpaceShared() {
    if (fastPath != null) {
      fastPath.disable();
    }
  }

  public dev.jvisor.sentry.vfs.Vfs vfs() {
    return vfs;
  }

  public FdTable fds() {
    return fds;
  }

  public String cwd() {
    return cwd;
  }

  public void setCwd(String c) {
    cwd = c;
  }

  public int umask() {
    return umask;
  }

  public void setUmask(int u) {
    umask = u & 0777;
  }

  public String comm() {
    return comm;
  }

  public void setComm(String c) {
    comm = c.length() > 15 ? c.substring(0, 15) : c;
  }

  /** The task's vCPU, on the task's own thread; waits for one if it was taken while the task was in a syscall. */
  public Vcpu vcpu() {
    if (vcpuState.get() != VCPU_RUNNING) {
      reattach();
    }
    return cpu;
  }

  /** After a syscall: keeps the vCPU if nobody took it, else waits for one and loads the saved context. */
  private void reattach() {
    if (!vcpuState.compareAndSet(VCPU_IN_SYSCALL, VCPU_RUNNING)) {
      Object context;
      Vcpu v;
      synchronized (kernel.vcpus()) { // the taker saves the context under this lock
        context = savedContext;
        savedContext = null;
        vcpuState.set(VCPU_RUNNING);
      }
      v = kernel.vcpus().acquire(this, context, false);
      cpu = v;
    }
  }

  /**
   * On the task's own thread, inside a syscall that used its vCPU and is about to block (a vfork parent): lets
   * waiting tasks take the vCPU again meanwhile.
   */
  public void offerVcpu() {
    if (cpu != null && vcpuState.compareAndSet(VCPU_RUNNING, VCPU_IN_SYSCALL)) {
      kernel.vcpus().offered();
    }
  }

  /** VcpuScheduler, under its lock: takes the vCPU of this task if it is inside a syscall. */
  Vcpu surrenderVcpu() {
    Vcpu v = cpu;
    if (v == null || !vcpuState.compareAndSet(VCPU_IN_SYSCALL, VCPU_TAKEN)) {
      return null;
    }
    savedContext = v.saveContext();
    cpu = null;
    return v;
  }

  /** When this task entered the guest (nanoTime), or 0 when it is not in the guest. */
  long inGuestSince() {
    return inGuestSince;
  }

  /** VcpuScheduler: this task used its time slice while others wait for a vCPU; it gives its vCPU up. */
  void preempt() {
    preemptRequested = true;
    Vcpu v = cpu;
    if (v != null) {
      v.kick();
    }
  }

  /** Gives the vCPU to a waiting task and queues for another one. */
  private void yieldVcpu() {
    Vcpu v = cpu;
    savedContext = v.saveContext();
    cpu = null;
    kernel.vcpus().yielded(v);
    cpu = kernel.vcpus().acquire(this, savedContext, true);
    savedContext = null;
  }

  public void setClearChildTid(long addr) {
    clearChildTid = addr;
  }

  /** Ends the whole thread group with {@code status} (exit_group or a fatal signal). */
  public void exitGroup(ExitStatus status) {
    exiting = true;
    kernel.exitThreadGroup(tg, status);
  }

  /** exit(2): ends this task only; the group ends with it when it is the last one. */
  public void exitThread(int code) {
    exiting = true;
    synchronized (tg) {
      if (tg.pendingStatus == null && tg.tasks.size() == 1) {
        tg.pendingStatus = ExitStatus.exited(code);
      }
    }
  }

  public long robustList() {
    return robustList;
  }

  public void setRobustList(long head) {
    robustList = head;
  }

  /** execve: the old image's robust futexes are released (Linux's exec_mm_release), and the list forgotten. */
  public void releaseRobustList() {
    RobustFutexes.release(kernel, mm, robustList, tid);
    robustList = 0;
  }

  public long clearChildTid() {
    return clearChildTid;
  }

  void setVforkDone(java.util.concurrent.CountDownLatch latch) {
    vforkDone = latch;
  }

  /** Releases a parent blocked in vfork (the child exec'd or exited). */
  public void releaseVfork() {
    var l = vforkDone;
    if (l != null) {
      vforkDone = null;
      l.countDown();
    }
  }

  public boolean exiting() {
    return exiting;
  }

  /** Asks this task to die with {@code sig} as soon as it next leaves the guest (kicks it out if running). */
  public void kill(int sig) {
    killSignal = sig;
    Vcpu v = cpu;
    if (v != null) {
      v.kick();
    }
    Thread th = thread;
    if (th != null && th != Thread.currentThread()) {
      th.interrupt(); // wakes a task blocked in a Java wait (nanosleep, futex, pipe)
    }
  }

  /** Host-thread body for a fresh image: owns the vCPU for the task's life. */
  void run(long entry, long sp) {
    run(() -> startUser(entry, sp));
  }

  /** Host-thread body for a clone child: its registers are the parent's at the clone, with RAX = 0. */
  void runClone(long[] regs, long fsBase) {
    run(() -> {
      for (int i = 0; i < regs.length; i++) {
        vcpu().setReg(i * 8, regs[i]);
      }
      vcpu().setFsBase(fsBase);
      vcpu().setReg(REG_RAX, 0);
      // The child starts in user mode right after the parent's SYSCALL: RCX and R11 hold RIP and RFLAGS.
      vcpu().setUserContext(regs[REG_RCX / 8], regs[REG_RSP / 8], regs[REG_R11 / 8]);
    });
  }

  /** Snapshot of every general register, RIP and RFLAGS (kvm_regs order) at the current syscall. */
  public long[] registers() {
    long[] r = new long[SIZEOF_REGS / 8];
    for (int i = 0; i < r.length; i++) {
      r[i] = vcpu().reg(i * 8);
    }
    return r;
  }

  private void run(Runnable setup) {
    CURRENT.set(this);
    thread = Thread.currentThread();
    try {
      cpu = kernel.vcpus().acquire(this, null, false);
      cpu.setPageTableRoot(mm.pageTable().root());
      if (kernel.fastSyscalls()) {
        fastPath = new FastPath(this, kernel);
        fastPath.attach(mm);
      }
      setup.run();
      if (killSignal != 0) {
        exitGroup(ExitStatus.killed(killSignal));
      }
      loop();
    } catch (OutOfGuestMemoryException e) {
      // No frame for a page table or platform structure: the OOM killer has chosen this process already.
      exitGroup(ExitStatus.killed(Signals.SIGKILL));
    } catch (RuntimeException | Error e) {
      kernel.warn("task " + tid + " crashed in the Sentry: " + e);
      if (kernel.config().debug()) {
        e.printStackTrace(kernel.config().log());
      }
      exitGroup(ExitStatus.killed(Signals.SIGSEGV));
    } finally {
      if (fastPath != null) {
        fastPath.stop();
      }
      kernel.taskExited(this);
      // Keep the vCPU from being taken now, then give it back (unless it was taken already).
      if (vcpuState.getAndSet(VCPU_TAKEN) != VCPU_TAKEN) {
        Vcpu v = cpu;
        if (v != null) {
          cpu = null;
          kernel.vcpus().release(v);
        }
      }
      CURRENT.remove();
    }
  }

  /** Sets registers for a fresh user image: everything zero but RIP, RSP and RFLAGS (IF | fixed bit). */
  public void startUser(long entry, long sp) {
    for (int r = REG_RAX; r <= REG_R15; r += 8) {
      vcpu().setReg(r, 0);
    }
    vcpu().setUserContext(entry, sp, X86.RFLAGS_FIXED | X86.RFLAGS_IF);
    vcpu().setFsBase(0);
  }

  private void loop() {
    SyscallTable table = kernel.syscalls();
    Strace strace = kernel.config().strace() ? new Strace(kernel, table) : null;
    while (!exiting) {
      if (kernel.freezer().pass(this)) { // Pause: parked here, outside the guest, until Resume or SIGKILL
        exitGroup(ExitStatus.killed(killSignal));
        return;
      }
      if (fastPath != null) {
        fastPath.enterGuest();
      }
      inGuestSince = System.nanoTime();
      ExitKind k = vcpu().run();
      inGuestSince = 0;
      if (fastPath != null) {
        fastPath.leaveGuest();
      }
      if (killSignal != 0) {
        exitGroup(ExitStatus.killed(killSignal));
        return;
      }
      switch (k) {
        case SYSCALL -> {
          int nr = (int) vcpu().reg(REG_RAX);
          kernel.syscallExits.increment();
          if (fastPath != null) {
            fastPath.exited(nr);
          }
          long a0 = vcpu().reg(REG_RDI);
          long a1 = vcpu().reg(REG_RSI);
          long a2 = vcpu().reg(REG_RDX);
          long a3 = vcpu().reg(REG_R10);
          long a4 = vcpu().reg(REG_R8);
          long a5 = vcpu().reg(REG_R9);
          if (strace != null) {
            strace.enter(this, nr, a0, a1, a2, a3, a4, a5);
          }
          vcpuState.set(VCPU_IN_SYSCALL); // the vCPU may be taken while the syscall blocks
          kernel.vcpus().offered();
          long r = table.dispatch(this, nr, a0, a1, a2, a3, a4, a5);
          if (strace != null) {
            strace.exit(this, nr, r);
          }
          if (exiting) {
            return; // no vCPU needed any more (run's finally gives back one still held)
          }
          if (vcpuState.get() != VCPU_RUNNING) {
            reattach();
          }
          if (r != Kernel.NO_RETURN) {
            long[] ctx = registers();
            ctx[REG_RIP / 8] = ctx[REG_RCX / 8];
            ctx[REG_RFLAGS / 8] = ctx[REG_R11 / 8];
            ctx[REG_RAX / 8] = r;
            int sig = nextDeliverable();
            // Interrupted by a signal with no handler (a stop, an ignored signal) or one with SA_RESTART: restart.
            if (r == -dev.jvisor.host.Errno.EINTR && sig != 0 && restartable(nr)
                && (sigactions[sig][0] <= 1 || (sigactions[sig][1] & SignalFrames.SA_RESTART) != 0)) {
              ctx[REG_RIP / 8] -= 2; // back onto the SYSCALL instruction, with the number in RAX again
              ctx[REG_RAX / 8] = nr;
            }
            vcpu().completeSyscall(ctx[REG_RAX / 8]);
            if (ctx[REG_RIP / 8] != ctx[REG_RCX / 8]) {
              vcpu().setUserContext(ctx[REG_RIP / 8], ctx[REG_RSP / 8], ctx[REG_RFLAGS / 8]);
            }
            deliverSignals(ctx, false);
          } else {
            deliverSignals(null, false);
          }
        }
        case FAULT -> {
          kernel.faultExits.increment();
          handleFault();
        }
        case INTERRUPTED -> {
          if (fastPath != null) {
            fastPath.serveHandoff();
          }
          kernel.waitWhileStopped(this); // another task of the group took a stop signal
          long rip = vcpu().reg(REG_RIP);
          if (X86.isUserAddress(rip) && !kernel.platform().inSyscallTrampoline(rip)) {
            deliverSignals(null, false);
          } // else: mid fast-path syscall (the pending signal makes the next one exit, and is delivered then) or
            // inside an exception stub on its way to a FAULT exit (delivered after the fault is handled)
          if (preemptRequested) {
            preemptRequested = false;
            if (kernel.vcpus().underPressure()) {
              yieldVcpu();
            }
          }
        }
        case DEAD -> {
          kernel.warn("task " + tid + ": " + vcpu().exitDetail());
          exitGroup(ExitStatus.killed(Signals.SIGSEGV));
        }
      }
    }
  }

  /** Syscalls that SA_RESTART may restart (Linux's ERESTARTSYS cases; sleeps and polls return EINTR). */
  private static boolean restartable(int nr) {
    return switch (nr) {
      case 35, 230, 7, 271, 23, 270, 232, 281, 34, 130, 128 -> false;
      default -> true;
    };
  }

  private void handleFault() {
    int vector = vcpu().faultVector();
    FaultResult result = vector == X86.VEC_PF ? mm.fault(vcpu().faultAddress(), vcpu().faultErrorCode())
        : FaultResult.SIGSEGV;
    if (result == FaultResult.OOM) {
      // The OOM killer chose this process when the frame could not be had (OomKiller): SIGKILL, never SIGSEGV.
      exitGroup(ExitStatus.killed(Signals.SIGKILL));
      return;
    }
    if (result == FaultResult.MAPPED) {
      if (signalPending()) {
        // A signal that arrived while the guest was in the exception stub waited for this exit.
        long[] ctx = registers();
        long[] user = vcpu().faultContext();
        ctx[REG_RIP / 8] = user[0];
        ctx[REG_RFLAGS / 8] = user[1];
        ctx[REG_RSP / 8] = user[2];
        deliverSignals(ctx, true);
      }
      return;
    }
    int sig = switch (vector) {
      case X86.VEC_DE, X86.VEC_MF, X86.VEC_XM -> Signals.SIGFPE;
      case X86.VEC_UD -> Signals.SIGILL;
      case X86.VEC_BP, X86.VEC_DB -> Signals.SIGTRAP;
      case X86.VEC_AC -> Signals.SIGBUS;
      default -> Signals.SIGSEGV;
    };
    if (kernel.config().debug()) {
      kernel.warn(String.format("task %d: vector %d error 0x%x at rip 0x%x addr 0x%x: signal %d", tid, vector,
          vcpu().faultErrorCode(), vcpu().faultRip(), vcpu().faultAddress(), sig));
    }
    long handler = sigactions[sig][0];
    boolean blocked = (sigmask & bit(sig)) != 0;
    if (handler <= Signals.SIG_IGN || blocked) {
      exitGroup(ExitStatus.killed(sig)); // a synchronous fault cannot be ignored or blocked
      return;
    }
    int code = vector == X86.VEC_PF ? ((vcpu().faultErrorCode() & X86.PF_PRESENT) != 0 ? 2 : 1) : 0;
    long[] ctx = registers();
    long[] user = vcpu().faultContext();
    ctx[REG_RIP / 8] = user[0];
    ctx[REG_RFLAGS / 8] = user[1];
    ctx[REG_RSP / 8] = user[2];
    deliver(sig, SignalFrames.faultInfo(sig, code, vector == X86.VEC_PF ? vcpu().faultAddress() : user[0]), ctx,
        true);
  }

  private static long bit(int sig) {
    return 1L << (sig - 1);
  }

  /** Queues {@code sig} for this task and makes it notice (kicks it out of the guest or a blocking wait). */
  public void sendSignal(int sig, byte[] info) {
    if (sig == Signals.SIGKILL) {
      kill(Signals.SIGKILL);
      return;
    }
    long handler = sigactions[sig][0];
    if ((sigmask & bit(sig)) == 0
        && (handler == Signals.SIG_IGN || (handler == Signals.SIG_DFL && Signals.ignoredByDefault(sig)))) {
      return; // an ignored, unblocked signal is discarded when sent: it interrupts nothing (SIGCHLD by default)
    }
    synchronized (this) {
      pending |= bit(sig);
      pendingInfo[sig] = info != null ? info : SignalFrames.userInfo(sig, 0);
    }
    if ((sigmask & bit(sig)) == 0 && Thread.currentThread() != thread) {
      Vcpu v = cpu;
      if (v != null) {
        v.kick();
      }
      Thread th = thread; // a task whose vCPU another task took is in a syscall: interrupt it all the same
      if (th != null) {
        th.interrupt();
      }
    }
  }

  /** The host thread running this task (for its CPU time), or null before it started. */
  Thread hostThread() {
    return thread;
  }

  /** Makes this task leave the guest, nothing else: no interrupt, so a blocking syscall is not disturbed. */
  void kickOutOfGuest() {
    Vcpu v = cpu;
    if (v != null) {
      v.kick();
    }
  }

  /** Makes this task leave the guest (or a blocking wait) so it notices its group stopped. */
  void kickForJobControl() {
    Vcpu v = cpu;
    if (v != null) {
      v.kick();
    }
    Thread th = thread;
    if (th != null) {
      th.interrupt();
    }
  }

  /** True when a signal that is not blocked waits (blocking syscalls return EINTR). */
  public boolean signalPending() {
    return (pending & ~sigmask) != 0 || killSignal != 0;
  }

  private synchronized int nextDeliverable() {
    long ready = pending & ~sigmask;
    return ready == 0 ? 0 : Long.numberOfTrailingZeros(ready) + 1;
  }

  /**
   * Runs pending signals' actions before returning to user mode: ignore, terminate, or build a frame and enter
   * the handler. {@code ctx} is the user context to save (null: read it from the vCPU, which is in user mode).
   */
  private void deliverSignals(long[] ctx, boolean atFault) {
    Thread.interrupted(); // a wake-up interrupt has done its job
    while (!exiting) {
      int sig;
      byte[] info;
      synchronized (this) {
        sig = nextDeliverable();
        if (sig == 0) {
          if (suspendMask != null) {
            setSigmask(suspendMask); // nothing ran a handler: sigsuspend's caller mask is back
            suspendMask = null;
          }
          return;
        }
        pending &= ~bit(sig);
        info = pendingInfo[sig];
        pendingInfo[sig] = null;
      }
      long handler = sigactions[sig][0];
      if (sig == Signals.SIGSTOP || (handler == Signals.SIG_DFL && Signals.stopsByDefault(sig))) {
        kernel.stopThreadGroup(tg, sig);
        kernel.waitWhileStopped(this);
        continue;
      }
      if (handler == Signals.SIG_IGN || (handler == Signals.SIG_DFL && Signals.ignoredByDefault(sig))) {
        continue;
      }
      if (handler == Signals.SIG_DFL) {
        exitGroup(ExitStatus.killed(sig));
        return;
      }
      if (ctx == null) {
        ctx = registers();
      }
      deliver(sig, info, ctx, atFault);
      return; // one frame at a time; the rest are delivered when the handler returns
    }
  }

  private void deliver(int sig, byte[] info, long[] ctx, boolean atFault) {
    long[] act = sigactions[sig];
    long flags = act[1];
    long altTop = 0;
    // Already running on the alternate stack (a handler interrupted there, or at its restorer): the new frame
    // goes below the current one, as Linux decides by the stack pointer (on_sig_stack). Starting again at the
    // top would overwrite the frame rt_sigreturn is about to read.
    if ((flags & SignalFrames.SA_ONSTACK) != 0 && altStackSize != 0 && !onAltStack(ctx[REG_RSP / 8])) {
      altTop = altStackSp + altStackSize;
    }
    long savedMask = suspendMask != null ? suspendMask : sigmask;
    suspendMask = null;
    long frame = SignalFrames.build(mm, vcpu(), ctx, altTop, act[2], savedMask, info);
    if (frame < 0) {
      exitGroup(ExitStatus.killed(Signals.SIGSEGV)); // no usable stack for the frame: Linux forces SIGSEGV
      return;
    }
    long newMask = sigmask | act[3];
    if ((flags & SignalFrames.SA_NODEFER) == 0) {
      newMask |= bit(sig);
    }
    setSigmask(newMask);
    if ((flags & SignalFrames.SA_RESETHAND) != 0) {
      java.util.Arrays.fill(act, 0);
    }
    vcpu().setReg(REG_RDI, sig);
    vcpu().setReg(REG_RSI, frame + SignalFrames.INFO_OFF);
    vcpu().setReg(REG_RDX, frame + SignalFrames.UC_OFF);
    vcpu().setReg(REG_RAX, 0);
    long rflags = ctx[REG_RFLAGS / 8] & ~(X86.RFLAGS_DF | X86.RFLAGS_TF);
    if (atFault) {
      vcpu().setFaultReturn(act[0], rflags, frame);
    } else {
      vcpu().setUserContext(act[0], frame, rflags);
    }
  }

  /** rt_sigreturn: back to the context saved in the frame below RSP. */
  public long sigreturn() {
    long[] mask = new long[1];
    long[] ctx = SignalFrames.restore(mm, vcpu(), vcpu().reg(REG_RSP), mask);
    if (ctx == null) {
      exitGroup(ExitStatus.killed(Signals.SIGSEGV));
      return Kernel.NO_RETURN;
    }
    for (int r = REG_RAX; r <= REG_R15; r += 8) {
      if (r != REG_RSP) {
        vcpu().setReg(r, ctx[r / 8]);
      }
    }
    setSigmask(mask[0]);
    vcpu().setUserContext(ctx[REG_RIP / 8], ctx[REG_RSP / 8], ctx[REG_RFLAGS / 8]);
    return Kernel.NO_RETURN;
  }

  /** True when {@code sp} lies within the alternate signal stack (kernel/signal.c on_sig_stack). */
  public boolean onAltStack(long sp) {
    return altStackSize != 0 && Long.compareUnsigned(sp, altStackSp) > 0
        && Long.compareUnsigned(sp - altStackSp, altStackSize) <= 0;
  }

  /** sigaltstack(2) state: {sp, flags (SS_ONSTACK 1 while the task runs on it, SS_DISABLE 2), size}. */
  public long[] altStack() {
    long flags = altStackSize == 0 ? 2 : onAltStack(vcpu().reg(REG_RSP)) ? 1 : 0;
    return new long[] {altStackSp, flags, altStackSize};
  }

  public void setAltStack(long sp, long size) {
    altStackSp = sp;
    altStackSize = size;
  }

  public synchronized long pendingMask() {
    return pending;
  }

  /** Records a successful execve for /proc and comm. */
  public void execed(String exe, String requested, java.util.List<String> argv, java.util.List<String> envp) {
    tg.exe = exe;
    tg.argv = java.util.List.copyOf(argv);
    tg.envp = java.util.List.copyOf(envp);
    setComm(SandboxImpl.basename(requested)); // Linux names the task after the path given to execve
  }

  /** The pending fatal signal, or 0. */
  public int killSignal() {
    return killSignal;
  }

  public long[][] sigactions() {
    return sigactions;
  }

  public long sigmask() {
    return sigmask;
  }

  public void setSigmask(long m) {
    sigmask = m & ~((1L << (Signals.SIGKILL - 1)) | (1L << (Signals.SIGSTOP - 1)));
  }

  /** rt_sigsuspend: {@code temporary} applies until a signal is delivered; the frame then saves {@code old}. */
  public void suspendWith(long temporary, long old) {
    suspendMask = old;
    setSigmask(temporary);
  }

  public Sched sched() {
    return sched;
  }

  public void setSched(Sched s) {
    sched = s;
  }

  /**
   * rt_sigtimedwait: takes the lowest pending signal in {@code set} off this task's queue and returns
   * {signal, siginfo}, or null when none is pending.
   */
  public synchronized Object[] dequeueSignal(long set) {
    long ready = pending & set;
    if (ready == 0) {
      return null;
    }
    int sig = Long.numberOfTrailingZeros(ready) + 1;
    pending &= ~bit(sig);
    byte[] info = pendingInfo[sig];
    pendingInfo[sig] = null;
    return new Object[] {sig, info != null ? info : SignalFrames.userInfo(sig, 0)};
  }

  /** CPU time the task's host thread has used (guest time in KVM_RUN included, as Linux accounts it). */
  public long hostCpuNanos() {
    Thread th = thread;
    if (th == null) {
      return 0;
    }
    long v = java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(th.getId());
    return Math.max(0, v);
  }

}
