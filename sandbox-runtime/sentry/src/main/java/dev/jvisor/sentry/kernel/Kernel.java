package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Kvm;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.fs.dev.DevFs;
import dev.jvisor.sentry.fs.host.HostNode;
import dev.jvisor.sentry.fs.host.HostRoot;
import dev.jvisor.sentry.fs.mem.MemNode;
import dev.jvisor.sentry.fs.mem.OverlayNode;
import dev.jvisor.sentry.fs.proc.ProcFs;
import dev.jvisor.sentry.fs.proc.ProcView;
import dev.jvisor.sentry.mm.Vma;
import dev.jvisor.sentry.platform.Platform;
import dev.jvisor.sentry.platform.kvm.Flavour;
import dev.jvisor.sentry.platform.kvm.KvmMachine;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.Vfs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;

/** One sandbox's kernel: platform, filesystem tree, PID space, syscall table. */
public final class Kernel implements ProcView {
  /** Returned by handlers that set the user context themselves (execve, rt_sigreturn): no RAX write-back. */
  public static final long NO_RETURN = Long.MIN_VALUE;

  private final SandboxConfig config;
  /** Live tasks allowed (pids.max): the config's, unless the host changed it since (the shim's Update). */
  private volatile int maxTasks;
  private final Platform platform;
  private final HostRoot hostRoot;
  private final Vfs vfs;
  private final SyscallTable syscalls;
  private final AtomicInteger nextPid = new AtomicInteger(1);
  final Map<Integer, ThreadGroup> threadGroups = new ConcurrentSkipListMap<>();
  final Map<Integer, Task> tasks = new ConcurrentHashMap<>();
  private final VcpuScheduler vcpus;
  private final long bootNanos = System.nanoTime();
  /** What dmesg shows: the boot lines, then the OOM killer's reports. */
  private final KernelLog kernelLog = new KernelLog(bootNanos);
  private final OomKiller oomKiller = new OomKiller(this, kernelLog);
  private final Futexes futexes = new Futexes();
  /** This sandbox's Unix-socket names (abstract and bound paths) and the lock every one of its sockets uses. */
  private final dev.jvisor.sentry.fs.socket.UnixNamespace unixSockets = new dev.jvisor.sentry.fs.socket.UnixNamespace();
  /** The pseudo-terminals of this sandbox (one devpts shared by its mount namespaces). */
  /** Pause/Resume of the whole sandbox, or of one container's mount namespace. */
  private final Freezer freezer = new Freezer();
  /** Host CPU time of tasks that have exited (their threads are gone, so it is summed as they go). */
  private final java.util.concurrent.atomic.LongAdder exitedCpuNanos = new java.util.concurrent.atomic.LongAdder();
  private final dev.jvisor.sentry.fs.tty.Devpts devpts =
      new dev.jvisor.sentry.fs.tty.Devpts(new TtyJobControl(this));

  private Kernel(SandboxConfig config, Platform platform, HostRoot hostRoot, SyscallTable syscalls) {
    this.config = config;
    this.maxTasks = config.maxTasks();
    this.platform = platform;
    this.vcpus = new VcpuScheduler(platform, this);
    this.hostRoot = hostRoot;
    this.syscalls = syscalls;
    this.vfs = mountNamespace(hostRoot);
    platform.memory().onExhausted(oomKiller::memoryExhausted);
  }

  /** A mount namespace over {@code root}: the host directory under an in-memory overlay, /proc and /dev. */
  private Vfs mountNamespace(HostRoot root) {
    Vfs v = new Vfs(OverlayNode.root(new HostNode(root, ""), MemNode.directory(0755)));
    v.mount("/proc", ProcFs.create(this));
    v.mount("/dev", DevFs.create(devpts));
    return v;
  }

  private final Map<java.nio.file.Path, Vfs> namespaces = new ConcurrentHashMap<>();
  private final List<HostRoot> extraRoots = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The mount namespace of another root in this sandbox (a pod's second container); created once per root. */
  public Vfs mountNamespace(java.nio.file.Path root) throws ErrnoException {
    java.nio.file.Path key = root.toAbsolutePath().normalize();
    if (key.equals(config.root().toAbsolutePath().normalize())) {
      return vfs;
    }
    Vfs existing = namespaces.get(key);
    if (existing != null) {
      return existing;
    }
    synchronized (namespaces) {
      existing = namespaces.get(key);
      if (existing != null) {
        return existing;
      }
      HostRoot r = new HostRoot(key);
      extraRoots.add(r);
      Vfs v = mountNamespace(r);
      namespaces.put(key, v);
      return v;
    }
  }

  /** A host directory opened for a mount: closed with the sandbox. */
  void adoptRoot(HostRoot r) {
    extraRoots.add(r);
  }

  /** Boots a sandbox with the given syscall table (built by the composition root). */
  public static Sandbox boot(SandboxConfig config, SyscallTable syscalls) {
    String cause = Kvm.unavailabilityCause();
    if (cause != null) {
      throw new SandboxException(cause, 125);
    }
    HostRoot root;
    try {
      root = new HostRoot(config.root());
    } catch (ErrnoException e) {
      throw new SandboxException("sandbox root " + config.root() + ": " + e.getMessage(), 125);
    }
    long t0 = System.nanoTime();
    Flavour flavour = Flavour.detect();
    KvmMachine machine;
    try {
      machine = new KvmMachine(config.memoryBytes(), flavour);
    } catch (RuntimeException e) {
      root.close();
      throw new SandboxException("cannot start the KVM guest: " + e.getMessage(), 125, e);
    }
    Kernel k = new Kernel(config, machine, root, syscalls);
    if (config.debug()) {
      k.warn(String.format("platform: %s (guest machine ready in %.1f ms)", machine.describe(),
          (System.nanoTime() - t0) / 1e6));
      k.warn("guest memory: " + (config.memoryBytes() >> 20) + " MiB, root " + config.root()
          + (config.overlay() ? " (read-only, in-memory overlay)" : ""));
    }
    return new SandboxImpl(k);
  }

  public SandboxConfig config() {
    return config;
  }

  public Platform platform() {
    return platform;
  }

  public dev.jvisor.sentry.fs.socket.UnixNamespace unixSockets() {
    return unixSockets;
  }

  public Vfs vfs() {
    return vfs;
  }

  public SyscallTable syscalls() {
    return syscalls;
  }

  /** Syscalls served through the request page without a VM exit (reported by --debug at the end). */
  final java.util.concurrent.atomic.LongAdder fastSyscallsServed = new java.util.concurrent.atomic.LongAdder();
  /** VM exits by kind, for --debug's account of where a run's time went. */
  final java.util.concurrent.atomic.LongAdder syscallExits = new java.util.concurrent.atomic.LongAdder();
  final java.util.concurrent.atomic.LongAdder faultExits = new java.util.concurrent.atomic.LongAdder();

  /** Serve short syscalls through the shared request page (PVM; off with --strace, which wants every exit). */
  public boolean fastSyscalls() {
    return !config.strace() && !Boolean.getBoolean("jvisor.noFastPath");
  }

  Freezer freezer() {
    return freezer;
  }

  void freeze() {
    freezer.freeze(tasks.values());
  }

  void thaw() {
    freezer.thaw();
  }

  /** Freezes one container of a shared Sentry: the tasks of mount namespace {@code ns}. */
  void freeze(Vfs ns) {
    freezer.freeze(ns, tasks.values());
  }

  void thaw(Vfs ns) {
    freezer.thaw(ns);
  }

  /**
   * Host CPU time spent by the sandbox's tasks, guest time included (KVM accounts it to the vCPU thread): the
   * exited ones plus the live ones. The fast-path pollers' own spinning is not counted.
   */
  long cpuNanos() {
    long sum = exitedCpuNanos.sum();
    for (Task t : tasks.values()) {
      sum += t.hostCpuNanos();
    }
    return sum;
  }

  public dev.jvisor.sentry.fs.tty.Devpts devpts() {
    return devpts;
  }

  public Futexes futexes() {
    return futexes;
  }

  /** The kernel message buffer's text (syslog(2), dmesg). */
  public String bootLog() {
    return kernelLog.text();
  }

  OomKiller oomKiller() {
    return oomKiller;
  }

  /** The host root of a mount namespace of this sandbox (its own root, or a pod's further container's). */
  java.nio.file.Path rootOf(Vfs namespace) {
    for (Map.Entry<java.nio.file.Path, Vfs> e : namespaces.entrySet()) {
      if (e.getValue() == namespace) {
        return e.getKey();
      }
    }
    return config.root().toAbsolutePath().normalize();
  }

  public void warn(String message) {
    config.log().println("jvisor: " + message);
  }

  int allocatePid() {
    return nextPid.getAndIncrement();
  }

  int liveTasks() {
    return tasks.size();
  }

  int maxTasks() {
    return maxTasks;
  }

  /** New clones and starts beyond {@code n} live tasks fail (EAGAIN); tasks already running stay, as pids.max. */
  void setMaxTasks(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("task limit must be positive: " + n);
    }
    maxTasks = n;
  }

  /** Task host threads that have not finished their clean-up; guest memory stays mapped until this is 0. */
  final java.util.concurrent.atomic.AtomicInteger runningThreads = new java.util.concurrent.atomic.AtomicInteger();

  /** Starts a task's host thread, counted until its very last access to guest memory is done. */
  void startThread(Task t, Runnable body) {
    runningThreads.incrementAndGet();
    Thread th = new Thread(() -> {
      try {
        body.run();
      } finally {
        runningThreads.decrementAndGet();
      }
    }, "jvisor-task-" + t.tid());
    th.setDaemon(true);
    th.start();
  }

  Task newTask(ThreadGroup tg, dev.jvisor.sentry.mm.MemoryManager mm, dev.jvisor.sentry.vfs.FdTable fds,
      String cwd, Vfs vfs) {
    Task t = new Task(this, tg.pid, tg, mm, fds, cwd, vfs);
    tg.tasks.add(t);
    tasks.put(t.tid(), t);
    threadGroups.put(tg.pid, tg);
    return t;
  }

  /** Ends every task of {@code tg}; the last one out releases its resources and publishes the status. */
  void exitThreadGroup(ThreadGroup tg, ExitStatus status) {
    synchronized (tg) {
      if (tg.pendingStatus == null) {
        tg.pendingStatus = status;
      }
    }
    for (Task t : tg.tasks) {
      if (t != Task.current()) {
        t.kill(Signals.SIGKILL);
      }
    }
  }

  /** Guards parent/child links, zombies and wait queues of every thread group. */
  final Object waitLock = new Object();

  void taskExited(Task t) {
    if (t.hostThread() == Thread.currentThread()) {
      long cpu = t.hostCpuNanos();
      t.threadGroup().exitedCpuNanos.addAndGet(cpu);
      exitedCpuNanos.add(cpu);
    }
    ThreadGroup tg = t.threadGroup();
    tasks.remove(t.tid());
    tg.tasks.remove(t);
    RobustFutexes.release(this, t.mm(), t.robustList(), t.tid());
    long ctid = t.clearChildTid();
    if (ctid != 0 && !tg.tasks.isEmpty()) {
      // CLONE_CHILD_CLEARTID: pthread_join waits on this futex.
      if (t.mm().writeInt(ctid, 0) >= 0) {
        try {
          futexes.wake(t.mm(), ctid, true, 1, -1);
        } catch (ErrnoException e) {
          // misaligned address: nothing to wake
        }
      }
    }
    t.releaseVfork();
    t.fds().release(); // the last user closes stdio: readers see EOF before the exit status is published
    t.mm().release();
    if (!tg.tasks.isEmpty()) {
      return;
    }
    ExitStatus s = tg.pendingStatus != null ? tg.pendingStatus : ExitStatus.killed(Signals.SIGKILL);
    ThreadGroup notify;
    List<ThreadGroup> orphansToSignal = new ArrayList<>();
    synchronized (waitLock) {
      ThreadGroup init = threadGroups.get(1);
      ThreadGroup reaper = nearestSubreaper(tg);
      if (reaper == null) {
        reaper = init != null && init != tg ? init : null;
      }
      for (ThreadGroup c : tg.children) {
        c.parent = reaper; // orphans go to the nearest PR_SET_CHILD_SUBREAPER ancestor, else the sandbox's PID 1
        c.ppid = reaper != null ? reaper.pid : 0;
        if (c.pdeathSignal != 0 && !c.tasks.isEmpty()) {
          orphansToSignal.add(c);
        }
        if (c.parent != null) {
          c.parent.children.add(c);
        } else if (c.zombie) {
          threadGroups.remove(c.pid);
        }
      }
      tg.children.clear();
      notify = tg.parent != null && !tg.parent.tasks.isEmpty() ? tg.parent : null;
      if (notify != null && !ignoresChildren(notify)) {
        tg.zombie = true; // stays listed until its parent waits
        tg.zombieStatus = s;
      } else {
        threadGroups.remove(tg.pid);
        if (tg.parent != null) {
          tg.parent.children.remove(tg);
        }
      }
      waitLock.notifyAll();
    }
    for (ThreadGroup c : orphansToSignal) {
      signalThreadGroup(c, c.pdeathSignal, tg.pid); // PR_SET_PDEATHSIG: the parent died
    }
    if (notify != null && tg.exitSignal != 0) {
      int code = s.signal() == 0 ? SignalFrames.CLD_EXITED : SignalFrames.CLD_KILLED;
      signalThreadGroup(notify, tg.exitSignal,
          SignalFrames.childInfo(tg.exitSignal, code, tg.pid, s.signal() == 0 ? s.code() : s.signal()));
    }
    tg.exit.complete(s);
  }

  /** The closest living ancestor of {@code tg} that asked to reap orphans (PR_SET_CHILD_SUBREAPER); under waitLock. */
  private static ThreadGroup nearestSubreaper(ThreadGroup tg) {
    for (ThreadGroup a = tg.parent; a != null; a = a.parent) {
      if (a.childSubreaper && !a.tasks.isEmpty()) {
        return a;
      }
    }
    return null;
  }

  /**
   * The parent set SIGCHLD to SIG_IGN or SA_NOCLDWAIT: its children are reaped as they end (no zombies, and a
   * wait for them fails with ECHILD once none is left), as in Linux.
   */
  private static boolean ignoresChildren(ThreadGroup parent) {
    long[] act = sigchldAction(parent);
    return act != null && (act[0] == Signals.SIG_IGN || (act[1] & SA_NOCLDWAIT) != 0);
  }

  /** The process's SIGCHLD disposition {handler, flags, ...}, or null once it has no task left. */
  private static long[] sigchldAction(ThreadGroup tg) {
    for (Task t : tg.tasks) { // a snapshot: the group may lose its last task meanwhile
      return t.sigactions()[Signals.SIGCHLD];
    }
    return null;
  }

  private static final long SA_NOCLDSTOP = 1, SA_NOCLDWAIT = 2;

  /** SIGCHLD to the parent of a process that stopped or continued, unless it asked not to (SA_NOCLDSTOP). */
  private void notifyJobControl(ThreadGroup tg, int code, int sig) {
    ThreadGroup parent;
    synchronized (waitLock) {
      parent = tg.parent;
    }
    long[] act = parent == null ? null : sigchldAction(parent);
    if (act != null && (act[1] & SA_NOCLDSTOP) == 0) {
      signalThreadGroup(parent, Signals.SIGCHLD, SignalFrames.childInfo(Signals.SIGCHLD, code, tg.pid, sig));
    }
  }

  /**
   * clone(2) for processes and threads. The child starts on its own host thread and vCPU with the caller's
   * registers (RAX = 0), on {@code stack} when non-zero.
   */
  public int clone(Task parent, long flags, long stack, long ptid, long ctid, long tls) throws ErrnoException {
    boolean thread = (flags & CloneFlags.THREAD) != 0;
    boolean vm = (flags & CloneFlags.VM) != 0;
    if (thread && (flags & CloneFlags.SIGHAND) == 0 || (flags & CloneFlags.SIGHAND) != 0 && !vm) {
      throw new ErrnoException(dev.jvisor.host.Errno.EINVAL);
    }
    if (tasks.size() >= maxTasks) {
      throw new ErrnoException(dev.jvisor.host.Errno.EAGAIN);
    }
    dev.jvisor.sentry.mm.MemoryManager mm;
    if (vm) {
      parent.mm().retain();
      mm = parent.mm();
      parent.addressSpaceShared();
    } else {
      mm = parent.mm().fork();
      if (mm == null) {
        throw new ErrnoException(dev.jvisor.host.Errno.ENOMEM);
      }
    }
    dev.jvisor.sentry.vfs.FdTable fds;
    if ((flags & CloneFlags.FILES) != 0) {
      parent.fds().retain();
      fds = parent.fds();
    } else {
      fds = parent.fds().fork();
    }
    int tid = allocatePid();
    ThreadGroup ptg = parent.threadGroup();
    ThreadGroup tg;
    if (thread) {
      tg = ptg;
    } else {
      tg = new ThreadGroup(tid, ptg.pid);
      tg.exitSignal = (int) (flags & 0xff);
      tg.pgid = ptg.pgid;
      tg.sid = ptg.sid;
      tg.exe = ptg.exe;
      tg.argv = ptg.argv;
      tg.envp = ptg.envp;
      tg.copyLimitsFrom(ptg);
      tg.setGroups(ptg.groups());
      synchronized (waitLock) {
        tg.parent = ptg;
        ptg.children.add(tg);
      }
    }
    Task child = new Task(this, tid, tg, mm, fds, parent.cwd(), parent.vfs());
    child.setComm(parent.comm());
    child.setUmask(parent.umask());
    for (int i = 0; i < child.sigactions.length; i++) {
      System.arraycopy(parent.sigactions[i], 0, child.sigactions[i], 0, 4);
    }
    child.sigmask = parent.sigmask;
    child.setSched(parent.sched());
    tg.tasks.add(child);
    tasks.put(tid, child);
    threadGroups.put(tg.pid, tg);
    long[] regs = parent.registers();
    if (stack != 0) {
      regs[dev.jvisor.host.Kvm.REG_RSP / 8] = stack;
    }
    long fs = (flags & CloneFlags.SETTLS) != 0 ? tls : parent.vcpu().fsBase();
    if ((flags & CloneFlags.PARENT_SETTID) != 0) {
      parent.mm().writeInt(ptid, tid);
    }
    if ((flags & CloneFlags.CHILD_SETTID) != 0) {
      mm.writeInt(ctid, tid);
    }
    if ((flags & CloneFlags.CHILD_CLEARTID) != 0) {
      child.setClearChildTid(ctid);
    }
    java.util.concurrent.CountDownLatch vforkDone = null;
    if ((flags & CloneFlags.VFORK) != 0) {
      vforkDone = new java.util.concurrent.CountDownLatch(1);
      child.setVforkDone(vforkDone);
    }
    startThread(child, () -> child.runClone(regs, fs));
    if (vforkDone != null) {
      // The child runs on the parent's stack until it execs or exits: the parent must not run (not even a
      // signal handler, which SIGCHLD from an earlier child would otherwise start) before then. Only a kill ends
      // the wait early, as in Linux.
      boolean interrupted = false;
      parent.offerVcpu(); // the child may need it: with one vCPU left it would otherwise wait for this parent
      while (parent.killSignal() == 0) {
        try {
          vforkDone.await();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return tid;
  }

  /** A stop signal's default action: the whole group stops until SIGCONT (or SIGKILL); the parent may wait. */
  void stopThreadGroup(ThreadGroup tg, int sig) {
    synchronized (waitLock) {
      if (tg.stopSignal != 0) {
        return;
      }
      tg.stopSignal = sig;
      tg.stopUnreported = true;
      tg.continueUnreported = false;
      waitLock.notifyAll();
    }
    notifyJobControl(tg, SignalFrames.CLD_STOPPED, sig);
    for (Task t : tg.tasks) {
      if (t != Task.current()) {
        t.kickForJobControl();
      }
    }
  }

  /** SIGCONT: resumes a stopped group (whatever its disposition for SIGCONT is). */
  void continueThreadGroup(ThreadGroup tg) {
    synchronized (waitLock) {
      if (tg.stopSignal == 0) {
        return;
      }
      tg.stopSignal = 0;
      tg.stopUnreported = false;
      tg.continueUnreported = true;
      waitLock.notifyAll();
    }
    notifyJobControl(tg, SignalFrames.CLD_CONTINUED, Signals.SIGCONT);
  }

  /** Blocks the calling task while its group is stopped; SIGKILL still ends it. */
  void waitWhileStopped(Task t) {
    ThreadGroup tg = t.threadGroup();
    synchronized (waitLock) {
      while (tg.stopSignal != 0 && t.killSignal() == 0) {
        try {
          waitLock.wait();
        } catch (InterruptedException e) {
          // a kill or a signal: re-check
        }
      }
    }
  }

  /** wait4(2)/waitid(2) core: reaps a zombie child matching {@code pid} (-1 any, 0 own group, <-1 group). */
  public long[] waitChild(Task waiter, int pid, boolean noHang) throws ErrnoException {
    return waitChild(waiter, pid, noHang, false, false);
  }

  /**
   * As above; {@code untraced} also reports a child that stopped (status 0x7f | sig << 8, not reaped) and
   * {@code continued} one that was continued (status 0xffff).
   */
  public long[] waitChild(Task waiter, int pid, boolean noHang, boolean untraced, boolean continued)
      throws ErrnoException {
    ThreadGroup me = waiter.threadGroup();
    synchronized (waitLock) {
      while (true) {
        boolean any = false;
        for (ThreadGroup c : new ArrayList<>(me.children)) {
          boolean match = pid == -1 || (pid > 0 && c.pid == pid) || (pid == 0 && c.pgid == me.pgid)
              || (pid < -1 && c.pgid == -pid);
          if (!match) {
            continue;
          }
          any = true;
          if (untraced && c.stopUnreported && !c.zombie) {
            c.stopUnreported = false;
            return new long[] {c.pid, 0x7f | (c.stopSignal << 8), 0, 0};
          }
          if (continued && c.continueUnreported && !c.zombie) {
            c.continueUnreported = false;
            return new long[] {c.pid, 0xffff, 0, 0};
          }
          if (c.zombie) {
            me.children.remove(c);
            threadGroups.remove(c.pid);
            me.childrenCpuNanos.addAndGet(c.exitedCpuNanos.get() + c.childrenCpuNanos.get());
            return new long[] {c.pid, c.zombieStatus.waitStatus(), c.zombieStatus.code(), c.zombieStatus.signal()};
          }
        }
        if (!any) {
          throw new ErrnoException(dev.jvisor.host.Errno.ECHILD);
        }
        if (noHang) {
          return null;
        }
        try {
          waitLock.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ErrnoException(dev.jvisor.host.Errno.EINTR);
        }
        if (waiter.killSignal() != 0) {
          throw new ErrnoException(dev.jvisor.host.Errno.EINTR);
        }
      }
    }
  }

  private final java.util.concurrent.ScheduledExecutorService timers =
      java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jvisor-timers");
        t.setDaemon(true);
        return t;
      });

  /**
   * setitimer(ITIMER_REAL) / alarm: arms SIGALRM for {@code tg} after {@code valueNs} (0 disarms), repeating every
   * {@code intervalNs}. Returns the previous {remaining, interval} in ns.
   */
  public long[] setRealTimer(ThreadGroup tg, long valueNs, long intervalNs) {
    synchronized (tg) {
      long[] old = realTimer(tg);
      if (tg.realTimer != null) {
        tg.realTimer.cancel(false);
        tg.realTimer = null;
      }
      tg.realTimerIntervalNanos = intervalNs;
      if (valueNs > 0) {
        tg.realTimerDeadlineNanos = System.nanoTime() + valueNs;
        tg.realTimer = timers.schedule(() -> fireRealTimer(tg), valueNs, java.util.concurrent.TimeUnit.NANOSECONDS);
      }
      return old;
    }
  }

  /** The current ITIMER_REAL as {remaining, interval} in ns. */
  public long[] realTimer(ThreadGroup tg) {
    synchronized (tg) {
      long left = tg.realTimer == null ? 0 : Math.max(1, tg.realTimerDeadlineNanos - System.nanoTime());
      return new long[] {left, tg.realTimerIntervalNanos};
    }
  }

  private void fireRealTimer(ThreadGroup tg) {
    synchronized (tg) {
      tg.realTimer = null;
      if (tg.tasks.isEmpty()) {
        return;
      }
      if (tg.realTimerIntervalNanos > 0) {
        tg.realTimerDeadlineNanos = System.nanoTime() + tg.realTimerIntervalNanos;
        tg.realTimer = timers.schedule(() -> fireRealTimer(tg), tg.realTimerIntervalNanos,
            java.util.concurrent.TimeUnit.NANOSECONDS);
      }
    }
    signalThreadGroup(tg, Signals.SIGALRM, 0);
  }

  /** A live task by TID. */
  public Task task(int tid) {
    return tasks.get(tid);
  }

  /** Sends {@code sig} to a process: one of its tasks that does not block it takes it. */
  public void signalThreadGroup(ThreadGroup tg, int sig, int senderPid) {
    signalThreadGroup(tg, sig, SignalFrames.userInfo(sig, senderPid));
  }

  /** As above with a caller-built siginfo (timers: SI_TIMER, queued values). */
  public void signalThreadGroup(ThreadGroup tg, int sig, byte[] info) {
    if (sig == Signals.SIGCONT) {
      continueThreadGroup(tg);
    }
    if (sig == Signals.SIGKILL) {
      for (Task t : tg.tasks) {
        t.kill(sig);
      }
      return;
    }
    Task chosen = null;
    for (Task t : tg.tasks) {
      if ((t.sigmask() & (1L << (sig - 1))) == 0) {
        chosen = t;
        break;
      }
    }
    if (chosen == null && !tg.tasks.isEmpty()) {
      chosen = tg.tasks.get(0);
    }
    if (chosen != null) {
      chosen.sendSignal(sig, info);
    }
  }

  /** Finds a live thread group by PID. */
  public ThreadGroup threadGroup(int pid) {
    ThreadGroup tg = threadGroups.get(pid);
    return tg == null || tg.tasks.isEmpty() ? null : tg;
  }

  /** Live thread groups whose process group is {@code pgid}. */
  public List<ThreadGroup> processGroup(int pgid) {
    List<ThreadGroup> out = new ArrayList<>();
    for (ThreadGroup tg : threadGroups.values()) {
      if (tg.pgid == pgid && !tg.tasks.isEmpty()) {
        out.add(tg);
      }
    }
    return out;
  }

  private volatile boolean shutDown;

  boolean isShutDown() {
    return shutDown;
  }

  java.util.Collection<Task> allTasks() {
    return tasks.values();
  }

  VcpuScheduler vcpus() {
    return vcpus;
  }

  void shutdown() {
    shutDown = true;
    timers.shutdownNow();
    for (Task t : tasks.values()) {
      t.kill(Signals.SIGKILL);
    }
  }

  void closePlatform() {
    platform.close();
    hostRoot.close();
    for (HostRoot r : extraRoots) {
      r.close();
    }
  }

  // ---- ProcView ----

  @Override
  public int currentPid() {
    Task t = Task.current();
    return t == null ? 1 : t.threadGroup().pid;
  }

  @Override
  public List<Integer> pids() {
    return new ArrayList<>(threadGroups.keySet());
  }

  @Override
  public Process process(int pid) {
    ThreadGroup tg = threadGroups.get(pid);
    if (tg == null || tg.tasks.isEmpty()) {
      return null;
    }
    return new ProcessInfo(this, tg);
  }

  @Override
  public String kernelRelease() {
    return config.kernelRelease();
  }

  @Override
  public String hostname() {
    return hostnameOverride != null ? hostnameOverride : config.hostname();
  }

  volatile String hostnameOverride;

  public void setHostname(String h) {
    hostnameOverride = h;
  }

  long bootNanosForProc() {
    return bootNanos;
  }

  @Override
  public double uptimeSeconds() {
    return (System.nanoTime() - bootNanos) / 1e9;
  }

  @Override
  public long memTotalBytes() {
    return platform.memory().size();
  }

  @Override
  public long memUsedBytes() {
    var m = platform.memory();
    return (long) (m.framesInUse() - m.pageCache().reclaimableFrames()) * 4096;
  }

  /** /proc/[pid]/maps lines for a VMA list. */
  static String maps(List<Vma> vmas) {
    StringBuilder sb = new StringBuilder();
    for (Vma v : vmas) {
      String name = v.name() == null ? "" : v.name();
      String line = String.format("%012x-%012x %c%c%c%c %08x 00:00 %d", v.start(), v.end(),
          (v.prot() & Vma.PROT_READ) != 0 ? 'r' : '-', (v.prot() & Vma.PROT_WRITE) != 0 ? 'w' : '-',
          (v.prot() & Vma.PROT_EXEC) != 0 ? 'x' : '-', v.shared() ? 's' : 'p', v.fileOffset(),
          v.file() == null ? 0 : v.file().inode());
      sb.append(line);
      if (!name.isEmpty()) {
        sb.append(" ".repeat(Math.max(1, 73 - line.length()))).append(name);
      }
      sb.append('\n');
    }
    return sb.toString();
  }

  static Map<Integer, String> fdLinks(dev.jvisor.sentry.vfs.FdTable fds) {
    Map<Integer, String> m = new TreeMap<>();
    for (int fd : fds.numbers()) {
      try {
        m.put(fd, fds.get(fd).path());
      } catch (ErrnoException e) {
        // closed meanwhile
      }
    }
    return m;
  }
}
