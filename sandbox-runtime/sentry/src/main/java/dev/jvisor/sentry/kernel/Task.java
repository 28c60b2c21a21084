package dev.jvisor.sentry.kernel;

import static dev.jvisor.host.Kvm.*;

import dev.jvisor.sentry.arch.X86;
import dev.jvisor.sentry.mm.MemoryManager;
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
  private volatile String cwd;
  private volatile int umask = 022;
  private volatile String comm = "";
  private Vcpu vcpu;
  private volatile boolean exiting;
  private volatile Thread thread;
  private volatile int killSignal;
  private long clearChildTid;
  final long[][] sigactions = new long[Signals.NSIG + 1][4];
  long sigmask;
  private long utimeStartNanos;

  Task(Kernel kernel, int tid, ThreadGroup tg, MemoryManager mm, FdTable fds, String cwd) {
    this.kernel = kernel;
    this.tid = tid;
    this.tg = tg;
    this.mm = mm;
    this.fds = fds;
    this.cwd = cwd;
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
    if (vcpu != null) {
      vcpu.setPageTableRoot(newMm.pageTable().root());
    }
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

  public Vcpu vcpu() {
    return vcpu;
  }

  public void setClearChildTid(long addr) {
    clearChildTid = addr;
  }

  /** Ends the whole thread group with {@code status} (exit_group or a fatal signal). */
  public void exitGroup(ExitStatus status) {
    exiting = true;
    kernel.exitThreadGroup(tg, status);
  }

  public boolean exiting() {
    return exiting;
  }

  /** Asks this task to die with {@code sig} as soon as it next leaves the guest (kicks it out if running). */
  public void kill(int sig) {
    killSignal = sig;
    Vcpu v = vcpu;
    if (v != null) {
      v.kick();
    }
    Thread th = thread;
    if (th != null && th != Thread.currentThread()) {
      th.interrupt(); // wakes a task blocked in a Java wait (nanosleep, futex, pipe)
    }
  }

  /** Host-thread body: owns the vCPU for the task's life. */
  void run(long entry, long sp) {
    CURRENT.set(this);
    thread = Thread.currentThread();
    utimeStartNanos = System.nanoTime();
    try {
      vcpu = kernel.platform().newVcpu();
      vcpu.setPageTableRoot(mm.pageTable().root());
      startUser(entry, sp);
      if (killSignal != 0) {
        exitGroup(ExitStatus.killed(killSignal));
      }
      loop();
    } catch (RuntimeException | Error e) {
      kernel.warn("task " + tid + " crashed in the Sentry: " + e);
      if (kernel.config().debug()) {
        e.printStackTrace(kernel.config().log());
      }
      exitGroup(ExitStatus.killed(Signals.SIGSEGV));
    } finally {
      kernel.taskExited(this);
      if (vcpu != null) {
        vcpu.close();
      }
      CURRENT.remove();
    }
  }

  /** Sets registers for a fresh user image: everything zero but RIP, RSP and RFLAGS (IF | fixed bit). */
  public void startUser(long entry, long sp) {
    for (int r = REG_RAX; r <= REG_R15; r += 8) {
      vcpu.setReg(r, 0);
    }
    vcpu.setReg(REG_RIP, entry);
    vcpu.setReg(REG_RSP, sp);
    vcpu.setReg(REG_RFLAGS, X86.RFLAGS_FIXED | X86.RFLAGS_IF);
    vcpu.setFsBase(0);
  }

  private void loop() {
    SyscallTable table = kernel.syscalls();
    Strace strace = kernel.config().strace() ? new Strace(kernel, table) : null;
    while (!exiting) {
      ExitKind k = vcpu.run();
      if (killSignal != 0) {
        exitGroup(ExitStatus.killed(killSignal));
        return;
      }
      switch (k) {
        case SYSCALL -> {
          int nr = (int) vcpu.reg(REG_RAX);
          long a0 = vcpu.reg(REG_RDI);
          long a1 = vcpu.reg(REG_RSI);
          long a2 = vcpu.reg(REG_RDX);
          long a3 = vcpu.reg(REG_R10);
          long a4 = vcpu.reg(REG_R8);
          long a5 = vcpu.reg(REG_R9);
          if (strace != null) {
            strace.enter(this, nr, a0, a1, a2, a3, a4, a5);
          }
          long r = table.dispatch(this, nr, a0, a1, a2, a3, a4, a5);
          if (strace != null) {
            strace.exit(this, nr, r);
          }
          if (exiting) {
            return;
          }
          if (r != Kernel.NO_RETURN) {
            vcpu.completeSyscall(r);
          }
        }
        case FAULT -> handleFault();
        case INTERRUPTED -> {
          // A kick with nothing to do (the kill check above handles kills): run again.
        }
        case DEAD -> {
          kernel.warn("task " + tid + ": " + vcpu.exitDetail());
          exitGroup(ExitStatus.killed(Signals.SIGSEGV));
        }
      }
    }
  }

  private void handleFault() {
    int vector = vcpu.faultVector();
    if (vector == X86.VEC_PF && mm.handleFault(vcpu.faultAddress(), vcpu.faultErrorCode())) {
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
          vcpu.faultErrorCode(), vcpu.faultRip(), vcpu.faultAddress(), sig));
    }
    // Handlers for synchronous signals arrive with the processes issue; the default action ends the process.
    exitGroup(ExitStatus.killed(sig));
  }

  /** Records a successful execve for /proc and comm. */
  public void execed(String exe, java.util.List<String> argv, java.util.List<String> envp) {
    tg.exe = exe;
    tg.argv = java.util.List.copyOf(argv);
    tg.envp = java.util.List.copyOf(envp);
    setComm(SandboxImpl.basename(exe));
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

  public long cpuNanos() {
    return System.nanoTime() - utimeStartNanos;
  }
}
