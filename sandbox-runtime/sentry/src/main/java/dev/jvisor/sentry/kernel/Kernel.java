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
  private final Platform platform;
  private final HostRoot hostRoot;
  private final Vfs vfs;
  private final SyscallTable syscalls;
  private final AtomicInteger nextPid = new AtomicInteger(1);
  final Map<Integer, ThreadGroup> threadGroups = new ConcurrentSkipListMap<>();
  final Map<Integer, Task> tasks = new ConcurrentHashMap<>();
  private final long bootNanos = System.nanoTime();
  private final Futexes futexes = new Futexes();

  private Kernel(SandboxConfig config, Platform platform, HostRoot hostRoot, SyscallTable syscalls) {
    this.config = config;
    this.platform = platform;
    this.hostRoot = hostRoot;
    this.syscalls = syscalls;
    this.vfs = new Vfs(OverlayNode.root(new HostNode(hostRoot, ""), MemNode.directory(0755)));
    vfs.mount("/proc", ProcFs.create(this));
    vfs.mount("/dev", DevFs.create());
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
      k.warn("platform: " + machine.describe());
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

  public Vfs vfs() {
    return vfs;
  }

  public SyscallTable syscalls() {
    return syscalls;
  }

  public Futexes futexes() {
    return futexes;
  }

  public String bootLog() {
    return BootLog.text();
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

  Task newTask(ThreadGroup tg, dev.jvisor.sentry.mm.MemoryManager mm, dev.jvisor.sentry.vfs.FdTable fds,
      String cwd) {
    Task t = new Task(this, tg.pid, tg, mm, fds, cwd);
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

  void taskExited(Task t) {
    ThreadGroup tg = t.threadGroup();
    tasks.remove(t.tid());
    tg.tasks.remove(t);
    if (tg.tasks.isEmpty()) {
      t.fds().closeAll(); // closes stdio first: readers of the sandbox's output see EOF before the exit status
      t.mm().destroy();
      threadGroups.remove(tg.pid);
      ExitStatus s = tg.pendingStatus != null ? tg.pendingStatus : ExitStatus.killed(Signals.SIGKILL);
      tg.exit.complete(s);
    }
  }

  void shutdown() {
    for (Task t : tasks.values()) {
      t.kill(Signals.SIGKILL);
    }
  }

  void closePlatform() {
    platform.close();
    hostRoot.close();
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
    return (long) platform.memory().framesInUse() * 4096;
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
