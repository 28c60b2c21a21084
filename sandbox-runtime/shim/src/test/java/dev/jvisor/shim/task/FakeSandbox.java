package dev.jvisor.shim.task;

import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.SandboxProcess;
import dev.jvisor.sentry.Stdio;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A Sentry stand-in for unit tests: processes run nothing; a terminating signal ends them with 128+sig,
 * {@link FakeProcess#exit} ends them with a code. "/bin/missing" fails like a missing command; "/bin/true" has
 * ended by the time it is started.
 */
final class FakeSandbox implements Sandbox {
  final SandboxConfig config;
  final List<FakeProcess> processes = new CopyOnWriteArrayList<>();
  volatile boolean closed;

  FakeSandbox(SandboxConfig config) {
    this.config = config;
  }

  @Override
  public SandboxProcess start(ProcessSpec spec, Stdio stdio) {
    if (spec.argv().get(0).equals("/bin/missing")) {
      throw new SandboxException("/bin/missing: not found", 127);
    }
    FakeProcess p = new FakeProcess(processes.size() + 1, spec);
    processes.add(p);
    if (spec.argv().get(0).equals("/bin/true")) {
      p.exit(0); // ends before start() even returns, as a quick exec can
    }
    return p;
  }

  final List<java.nio.file.Path> roots = new CopyOnWriteArrayList<>();

  /** Like the Sentry: a process under another root joins this PID space; the root is recorded. */
  @Override
  public SandboxProcess start(ProcessSpec spec, Stdio stdio, java.nio.file.Path root) {
    roots.add(root);
    return start(spec, stdio);
  }

  final List<dev.jvisor.sentry.Mount> mounts = new CopyOnWriteArrayList<>();
  static final long CPU_NANOS = 7_000_000, MEMORY_IN_USE = 5L << 20;
  volatile boolean frozen;

  @Override
  public void freeze() {
    frozen = true;
  }

  @Override
  public void thaw() {
    frozen = false;
  }

  /** The roots frozen one container at a time (a pod's shared Sentry). */
  final java.util.Set<java.nio.file.Path> frozenRoots = java.util.concurrent.ConcurrentHashMap.newKeySet();

  @Override
  public void freeze(java.nio.file.Path root) {
    frozenRoots.add(root);
  }

  @Override
  public void thaw(java.nio.file.Path root) {
    frozenRoots.remove(root);
  }

  /** The memory and task limits, as the Sentry keeps them: the memory may shrink but never grow past its size. */
  volatile long memoryLimit;
  volatile int taskLimit;

  @Override
  public long memoryLimit() {
    return memoryLimit == 0 ? config.memoryBytes() : memoryLimit;
  }

  @Override
  public void limitMemory(long bytes) {
    if (bytes > config.memoryBytes()) {
      throw new SandboxException("guest memory cannot grow", 125);
    }
    if (bytes < MEMORY_IN_USE) {
      throw new SandboxException("below what is in use", 125);
    }
    memoryLimit = bytes;
  }

  @Override
  public int taskLimit() {
    return taskLimit == 0 ? config.maxTasks() : taskLimit;
  }

  @Override
  public void limitTasks(int n) {
    taskLimit = n;
  }

  final List<java.util.function.Consumer<dev.jvisor.sentry.OomKill>> oomListeners = new CopyOnWriteArrayList<>();

  @Override
  public void onOomKill(java.util.function.Consumer<dev.jvisor.sentry.OomKill> listener) {
    oomListeners.add(listener);
  }

  /** As the Sentry's OOM killer: the listeners hear of it, then the process ends with SIGKILL. */
  void oomKill(FakeProcess p, java.nio.file.Path root) {
    oomListeners.forEach(l -> l.accept(new dev.jvisor.sentry.OomKill(p.pid, p.spec.argv().get(0), root)));
    p.exit(128 + 9);
  }

  @Override
  public long cpuNanos() {
    return CPU_NANOS;
  }

  @Override
  public long guestMemoryInUse() {
    return MEMORY_IN_USE;
  }

  @Override
  public void mount(java.nio.file.Path root, List<dev.jvisor.sentry.Mount> m) {
    mounts.addAll(m);
  }

  @Override
  public List<Integer> pids() {
    return processes.stream().filter(FakeProcess::isAlive).map(FakeProcess::pid).toList();
  }

  @Override
  public SandboxConfig config() {
    return config;
  }

  @Override
  public void close() {
    closed = true;
    processes.forEach(p -> p.exit(128 + 9));
  }

  static final class FakeProcess implements SandboxProcess {
    final int pid;
    final ProcessSpec spec;
    final CompletableFuture<Integer> status = new CompletableFuture<>();
    final List<Integer> signals = new CopyOnWriteArrayList<>();

    FakeProcess(int pid, ProcessSpec spec) {
      this.pid = pid;
      this.spec = spec;
    }

    void exit(int code) {
      status.complete(code);
    }

    @Override
    public int pid() {
      return pid;
    }

    @Override
    public int waitFor() throws InterruptedException {
      try {
        return status.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public int waitFor(Duration timeout) throws InterruptedException {
      try {
        return status.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return -1;
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public boolean isAlive() {
      return !status.isDone();
    }

    @Override
    public void signal(int sig) {
      signals.add(sig);
      if (sig == 9 || sig == 15 || sig == 2) {
        exit(128 + sig);
      }
    }
  }
}
