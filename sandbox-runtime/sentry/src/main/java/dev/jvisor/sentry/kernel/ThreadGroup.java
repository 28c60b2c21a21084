package dev.jvisor.sentry.kernel;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A process: the thread group its tasks share (PID, parentage, limits, exit status). */
public final class ThreadGroup {
  public static final int RLIMIT_CPU = 0, RLIMIT_FSIZE = 1, RLIMIT_DATA = 2, RLIMIT_STACK = 3, RLIMIT_CORE = 4,
      RLIMIT_RSS = 5, RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7, RLIMIT_MEMLOCK = 8, RLIMIT_AS = 9, RLIMIT_LOCKS = 10,
      RLIMIT_SIGPENDING = 11, RLIMIT_MSGQUEUE = 12, RLIMIT_NICE = 13, RLIMIT_RTPRIO = 14, RLIMIT_RTTIME = 15,
      RLIM_NLIMITS = 16;
  public static final long RLIM_INFINITY = -1L;
  static final String[] RLIMIT_NAMES = {"Max cpu time", "Max file size", "Max data size", "Max stack size",
      "Max core file size", "Max resident set", "Max processes", "Max open files", "Max locked memory",
      "Max address space", "Max file locks", "Max pending signals", "Max msgqueue size", "Max nice priority",
      "Max realtime priority", "Max realtime timeout"};

  final int pid;
  volatile int ppid;
  volatile int pgid;
  volatile int sid;
  final List<Task> tasks = new CopyOnWriteArrayList<>();
  final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
  volatile String exe = "";
  volatile List<String> argv = List.of();
  volatile List<String> envp = List.of();
  final long startNanos = System.nanoTime();
  final long[][] rlimits = new long[RLIM_NLIMITS][];
  volatile ExitStatus pendingStatus;
  /** The signal the parent gets when this process ends (clone's CSIGNAL byte; SIGCHLD for fork, 0 for none). */
  volatile int exitSignal = Signals.SIGCHLD;
  /** The parent process (null for processes the host started); guarded by Kernel.waitLock. */
  ThreadGroup parent;
  final List<ThreadGroup> children = new java.util.ArrayList<>();
  /** Exited but not yet reaped by its parent; guarded by Kernel.waitLock. */
  boolean zombie;
  ExitStatus zombieStatus;

  /** Job control, guarded by Kernel.waitLock: stopped by this signal (0 = running), and what wait has yet to see. */
  int stopSignal;
  boolean stopUnreported;
  boolean continueUnreported;

  /** ITIMER_REAL: the pending SIGALRM and its interval (ns); guarded by this. */
  java.util.concurrent.ScheduledFuture<?> realTimer;
  long realTimerDeadlineNanos;
  long realTimerIntervalNanos;

  /** prctl state: PR_SET_PDEATHSIG (0 = none; cleared in a fork's child), PR_SET_CHILD_SUBREAPER, and the sticky
   * PR_SET_NO_NEW_PRIVS and PR_SET_DUMPABLE (inherited by fork). */
  public volatile int pdeathSignal;
  public volatile boolean childSubreaper;
  public volatile boolean noNewPrivs;
  public volatile int dumpable = 1;

  /** CPU time of this process's ended tasks, and of its children it has reaped (getrusage, times). */
  final java.util.concurrent.atomic.AtomicLong exitedCpuNanos = new java.util.concurrent.atomic.AtomicLong();
  final java.util.concurrent.atomic.AtomicLong childrenCpuNanos = new java.util.concurrent.atomic.AtomicLong();

  /** CPU time of the whole process: live tasks' host threads (guest time included) plus ended tasks. */
  public long cpuNanos() {
    long sum = exitedCpuNanos.get();
    for (Task t : tasks) {
      sum += t.hostCpuNanos();
    }
    return sum;
  }

  /** CPU time of the children this process has waited for (and their waited-for descendants). */
  public long childrenCpuNanos() {
    return childrenCpuNanos.get();
  }

  /** User and group IDs; a fork gets a copy. */
  volatile Credentials creds = new Credentials(0, 0);

  public Credentials creds() {
    return creds;
  }

  /** Supplementary group IDs (setgroups/getgroups); inherited across fork. */
  private volatile int[] groups = new int[0];
  /** POSIX timers (timer_create) and other per-process extras owned by syscall families; not inherited. */
  public final java.util.concurrent.ConcurrentHashMap<Class<?>, Object> extras =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** A snapshot of the live tasks (threads) of this process. */
  public List<Task> taskList() {
    return List.copyOf(tasks);
  }

  public int[] groups() {
    return groups.clone();
  }

  public void setGroups(int[] g) {
    groups = g.clone();
  }

  ThreadGroup(int pid, int ppid) {
    this.pid = pid;
    this.ppid = ppid;
    this.pgid = pid;
    this.sid = pid;
    for (int i = 0; i < RLIM_NLIMITS; i++) {
      rlimits[i] = new long[] {RLIM_INFINITY, RLIM_INFINITY};
    }
    rlimits[RLIMIT_STACK] = new long[] {8L << 20, RLIM_INFINITY};
    rlimits[RLIMIT_NOFILE] = new long[] {1024, 1048576};
    rlimits[RLIMIT_CORE] = new long[] {0, RLIM_INFINITY};
    rlimits[RLIMIT_NPROC] = new long[] {4096, 4096};
    rlimits[RLIMIT_MEMLOCK] = new long[] {8L << 20, 8L << 20};
    rlimits[RLIMIT_SIGPENDING] = new long[] {127863, 127863};
    rlimits[RLIMIT_MSGQUEUE] = new long[] {819200, 819200};
    rlimits[RLIMIT_NICE] = new long[] {0, 0};
    rlimits[RLIMIT_RTPRIO] = new long[] {0, 0};
  }

  public int pid() {
    return pid;
  }

  public int ppid() {
    ThreadGroup p = parent;
    return p != null ? p.pid : ppid;
  }

  public int pgid() {
    return pgid;
  }

  public int sid() {
    return sid;
  }

  public void setPgid(int g) {
    pgid = g;
  }

  /** setsid: a new session and process group led by this process. */
  public void setSession(int s) {
    sid = s;
    pgid = s;
  }

  synchronized void copyLimitsFrom(ThreadGroup other) {
    creds = other.creds.copy();
    noNewPrivs = other.noNewPrivs;
    dumpable = other.dumpable;
    for (int i = 0; i < RLIM_NLIMITS; i++) {
      rlimits[i] = other.rlimit(i);
    }
  }

  public synchronized long[] rlimit(int resource) {
    return rlimits[resource].clone();
  }

  public synchronized void setRlimit(int resource, long soft, long hard) {
    rlimits[resource] = new long[] {soft, hard};
  }

  public boolean exited() {
    return exit.isDone();
  }

  public CompletableFuture<ExitStatus> exitFuture() {
    return exit;
  }
}
