package dev.jvisor.sentry.kernel;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.Mount;
import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.SandboxProcess;
import dev.jvisor.sentry.Stdio;
import dev.jvisor.sentry.Terminal;
import dev.jvisor.sentry.fs.tty.Pty;
import dev.jvisor.sentry.fs.host.HostStreamFd;
import dev.jvisor.sentry.loader.LoaderException;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FdTable;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Vfs;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** The host-facing side of a booted kernel. */
final class SandboxImpl implements Sandbox {
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
  private final Kernel kernel;
  private volatile boolean closed;

  SandboxImpl(Kernel kernel) {
    this.kernel = kernel;
  }

  @Override
  public SandboxConfig config() {
    return kernel.config();
  }

  @Override
  public long guestMemoryInUse() {
    return kernel.memUsedBytes();
  }

  /** Out-of-memory reports are an event stream, not a count: one per episode, not one per failed page. */
  private static final Duration OOM_REPORT_INTERVAL = Duration.ofSeconds(1);

  @Override
  public void onOutOfMemory(Runnable listener) {
    java.util.concurrent.atomic.AtomicLong last = new java.util.concurrent.atomic.AtomicLong(
        System.nanoTime() - OOM_REPORT_INTERVAL.toNanos());
    kernel.oomKiller().onExhausted(() -> {
      long now = System.nanoTime();
      long prev = last.get();
      if (now - prev >= OOM_REPORT_INTERVAL.toNanos() && last.compareAndSet(prev, now)) {
        listener.run();
      }
    });
  }

  @Override
  public long memoryLimit() {
    return kernel.platform().memory().limitBytes();
  }

  @Override
  public void limitMemory(long bytes) {
    long size = kernel.config().memoryBytes();
    if (bytes > size) {
      throw new SandboxException("guest memory cannot grow: limit " + bytes + " is above its size " + size, 125);
    }
    if (bytes < MIN_MEMORY_LIMIT) {
      throw new SandboxException("memory limit " + bytes + " is below the minimum " + MIN_MEMORY_LIMIT, 125);
    }
    if (!kernel.platform().memory().limit(bytes)) {
      throw new SandboxException("memory limit " + bytes + " is below the " + guestMemoryInUse()
          + " bytes in use", 125);
    }
  }

  /** As SandboxConfig's floor on guest memory: less cannot even hold a shell. */
  private static final long MIN_MEMORY_LIMIT = 16L << 20;

  @Override
  public int taskLimit() {
    return kernel.maxTasks();
  }

  @Override
  public void limitTasks(int n) {
    if (n < 1) {
      throw new SandboxException("task limit must be positive, got " + n, 125);
    }
    kernel.setMaxTasks(n);
  }

  @Override
  public void onOomKill(java.util.function.Consumer<dev.jvisor.sentry.OomKill> listener) {
    kernel.oomKiller().onKill(listener);
  }

  @Override
  public long oomKills() {
    return kernel.oomKiller().kills();
  }

  @Override
  public void freeze() {
    if (closed) {
      throw new SandboxException("sandbox is closed", 125);
    }
    kernel.freeze();
  }

  @Override
  public void thaw() {
    kernel.thaw();
  }

  @Override
  public void freeze(java.nio.file.Path root) {
    if (closed) {
      throw new SandboxException("sandbox is closed", 125);
    }
    kernel.freeze(namespaceOf(root));
  }

  @Override
  public void thaw(java.nio.file.Path root) {
    kernel.thaw(namespaceOf(root));
  }

  private Vfs namespaceOf(java.nio.file.Path root) {
    try {
      return root == null ? kernel.vfs() : kernel.mountNamespace(root);
    } catch (ErrnoException e) {
      throw new SandboxException("container root " + root + ": " + describe(e.errno()), 125);
    }
  }

  @Override
  public long cpuNanos() {
    return kernel.cpuNanos();
  }

  @Override
  public List<Integer> pids() {
    return kernel.pids();
  }

  @Override
  public void mount(java.nio.file.Path root, List<Mount> mounts) {
    if (closed) {
      throw new SandboxException("sandbox is closed", 125);
    }
    try {
      Vfs vfs = root == null ? kernel.vfs() : kernel.mountNamespace(root);
      new ContainerMounts(kernel, vfs).apply(mounts);
    } catch (ErrnoException e) {
      throw new SandboxException("container root " + root + ": " + describe(e.errno()), 125);
    }
  }

  @Override
  public Terminal openTerminal(int cols, int rows) {
    if (closed) {
      throw new SandboxException("sandbox is closed", 125);
    }
    try {
      return kernel.devpts().open(cols, rows);
    } catch (IllegalStateException e) {
      throw new SandboxException(e.getMessage(), 125);
    }
  }

  @Override
  public SandboxProcess start(ProcessSpec spec, Stdio stdio) {
    return start(spec, stdio, null);
  }

  @Override
  public SandboxProcess start(ProcessSpec spec, Stdio stdio, java.nio.file.Path root) {
    if (closed) {
      throw new SandboxException("sandbox is closed", 125);
    }
    if (kernel.liveTasks() >= kernel.maxTasks()) {
      throw new SandboxException("task limit reached (" + kernel.maxTasks() + ")", 126);
    }
    Vfs vfs;
    try {
      vfs = root == null ? kernel.vfs() : kernel.mountNamespace(root);
    } catch (ErrnoException e) {
      throw new SandboxException("container root " + root + ": " + describe(e.errno()), 125);
    }
    String cwd = spec.cwd();
    try {
      if (vfs.resolve(cwd, true).node().type() != NodeType.DIRECTORY) {
        throw new SandboxException("working directory " + cwd + " is not a directory", 126);
      }
    } catch (ErrnoException e) {
      throw new SandboxException("working directory " + cwd + ": " + Errno.name(e.errno()), 126);
    }
    String cmd = spec.argv().get(0);
    String path = Exec.searchPath(vfs, cmd, spec.env(), cwd);
    if (path == null) {
      throw new SandboxException(cmd + ": command not found", 127);
    }
    Exec.Loaded loaded;
    try {
      loaded = Exec.load(kernel, vfs, cwd, path, spec.argv(), spec.env(), new Credentials(spec.uid(), spec.gid()));
    } catch (ErrnoException e) {
      throw new SandboxException(cmd + ": " + describe(e.errno()), e.errno() == Errno.ENOENT ? 127 : 126);
    } catch (LoaderException e) {
      throw new SandboxException(cmd + ": " + e.getMessage(), e.errno() == Errno.ENOENT ? 127 : 126);
    } catch (dev.jvisor.sentry.mm.OutOfGuestMemoryException e) {
      // On this host thread no process is to blame (the OOM killer ends only guest tasks): the start fails.
      throw new SandboxException(cmd + ": " + e.getMessage(), 126);
    }
    FdTable fds = new FdTable();
    try {
      installStdio(fds, stdio, vfs);
    } catch (RuntimeException | ErrnoException e) {
      fds.closeAll();
      loaded.mm().destroy();
      throw new SandboxException("cannot set up stdio: " + e.getMessage(), 125);
    }
    ThreadGroup tg = new ThreadGroup(kernel.allocatePid(), 0);
    tg.creds = new Credentials(spec.uid(), spec.gid());
    tg.exe = loaded.image().execPath();
    tg.argv = spec.argv();
    tg.envp = spec.env();
    for (ProcessSpec.Rlimit r : spec.rlimits()) {
      tg.setRlimit(r.resource(), r.soft(), r.hard());
      if (r.resource() == ThreadGroup.RLIMIT_NOFILE) {
        // As setrlimit(2) does: the fd table follows the soft limit (bounded like the syscall bounds it).
        fds.setLimit((int) (r.soft() < 0 ? 1 << 20 : Math.max(3, Math.min(r.soft(), 1 << 20))));
      }
    }
    if (stdio.terminal() != null) {
      // A session leader on its terminal, as runc's setsid() + TIOCSCTTY leaves a terminal container's init.
      ((Pty) stdio.terminal()).attachSession(tg.pid, tg.pgid);
    }
    Task task = kernel.newTask(tg, loaded.mm(), fds, Vfs.absolute("/", cwd), vfs);
    task.setComm(basename(path));
    kernel.startThread(task, () -> task.run(loaded.image().entry(), loaded.image().stackPointer()));
    return new Process(kernel, tg, task);
  }

  private static String describe(int errno) {
    return switch (errno) {
      case Errno.ENOENT -> "no such file or directory";
      case Errno.EACCES -> "permission denied";
      case Errno.ENOEXEC -> "exec format error";
      default -> Errno.name(errno);
    };
  }

  static String basename(String p) {
    int i = p.lastIndexOf('/');
    return i < 0 ? p : p.substring(i + 1);
  }

  private void installStdio(FdTable fds, Stdio stdio, Vfs vfs) throws ErrnoException {
    if (stdio.terminal() != null) {
      if (!(stdio.terminal() instanceof Pty pty) || !kernel.devpts().owns(pty)) {
        throw new IllegalArgumentException("the terminal is not one of this sandbox's");
      }
      // One open file description on fds 0-2, as a shell's dup2 of one open of the slave would leave.
      FileDescription slave = pty.openSlave(2, pty.name());
      fds.installAt(0, slave, false);
      slave.incRef();
      fds.installAt(1, slave, false);
      slave.incRef();
      fds.installAt(2, slave, false);
      return;
    }
    int[] host = {stdio.stdin(), stdio.stdout(), stdio.stderr()};
    String[] names = {"stdin", "stdout", "stderr"};
    for (int i = 0; i < 3; i++) {
      FileDescription f;
      if (host[i] < 0) {
        f = vfs.resolve("/dev/null", true).node().open(i == 0 ? 0 : 2);
      } else {
        f = HostStreamFd.dupOf(host[i], i == 0 ? 0 : 1, "host:[" + names[i] + "]");
      }
      fds.installAt(i, f, false);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (kernel.config().debug()) {
      kernel.warn("syscalls served through the shared request page (no VM exit): " + kernel.fastSyscallsServed.sum());
      kernel.warn("VM exits: " + kernel.syscallExits.sum() + " syscalls, " + kernel.faultExits.sum() + " faults");
      kernel.warn("vCPUs: " + kernel.platform().maxVcpus() + " at most; taken from blocked tasks "
          + kernel.vcpus().steals.sum() + " times, time slices preempted " + kernel.vcpus().preemptions.sum());
    }
    kernel.shutdown();
    long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
    while (kernel.runningThreads.get() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (kernel.runningThreads.get() == 0) {
      kernel.closePlatform();
    } else {
      kernel.warn(kernel.runningThreads.get() + " tasks did not stop; guest memory stays mapped until exit");
    }
  }

  private record Process(Kernel kernel, ThreadGroup tg, Task task) implements SandboxProcess {
    @Override
    public int pid() {
      return tg.pid;
    }

    @Override
    public int waitFor() throws InterruptedException {
      try {
        return tg.exit.get().shellStatus();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public int waitFor(Duration timeout) throws InterruptedException {
      try {
        return tg.exit.get(timeout.toNanos(), TimeUnit.NANOSECONDS).shellStatus();
      } catch (TimeoutException e) {
        return -1;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e.getCause());
      }
    }

    @Override
    public boolean isAlive() {
      return !tg.exit.isDone();
    }

    @Override
    public void signal(int sig) {
      if (sig == 0 || tg.exit.isDone()) {
        return;
      }
      // Delivered like kill(2) from outside the sandbox: handlers run, dispositions apply (SIGKILL always kills).
      kernel.signalThreadGroup(tg, sig, 0);
    }
  }
}
