package dev.jvisor.shim.task;

import static dev.jvisor.shim.task.TaskService.empty;
import static dev.jvisor.shim.task.TaskService.timestamp;

import com.google.protobuf.Empty;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.shim.config.ShimConfig;
import dev.jvisor.shim.events.EventPublisher;
import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.oci.Bundle.BundleException;
import dev.jvisor.shim.oci.MountPlan;
import dev.jvisor.shim.oci.Spec;
import dev.jvisor.shim.oci.SpecCheck;
import dev.jvisor.shim.proto.events.TaskCreate;
import dev.jvisor.shim.proto.events.TaskDelete;
import dev.jvisor.shim.proto.events.TaskExecAdded;
import dev.jvisor.shim.proto.events.TaskExecStarted;
import dev.jvisor.shim.proto.events.TaskIO;
import dev.jvisor.shim.proto.events.TaskStart;
import dev.jvisor.shim.proto.cgroups.CPUStat;
import dev.jvisor.shim.proto.cgroups.MemoryEvents;
import dev.jvisor.shim.proto.cgroups.MemoryStat;
import dev.jvisor.shim.proto.cgroups.Metrics;
import dev.jvisor.shim.proto.cgroups.PidsStat;
import dev.jvisor.shim.proto.events.TaskOOM;
import dev.jvisor.shim.proto.events.TaskPaused;
import dev.jvisor.shim.proto.events.TaskResumed;
import dev.jvisor.shim.proto.task.CloseIORequest;
import dev.jvisor.shim.proto.task.ConnectRequest;
import dev.jvisor.shim.proto.task.ConnectResponse;
import dev.jvisor.shim.proto.task.CreateTaskRequest;
import dev.jvisor.shim.proto.task.CreateTaskResponse;
import dev.jvisor.shim.proto.task.DeleteRequest;
import dev.jvisor.shim.proto.task.DeleteResponse;
import dev.jvisor.shim.proto.task.ExecProcessRequest;
import dev.jvisor.shim.proto.task.KillRequest;
import dev.jvisor.shim.proto.task.PauseRequest;
import dev.jvisor.shim.proto.task.PidsRequest;
import dev.jvisor.shim.proto.task.PidsResponse;
import dev.jvisor.shim.proto.task.ProcessInfo;
import dev.jvisor.shim.proto.task.ResizePtyRequest;
import dev.jvisor.shim.proto.task.ResumeRequest;
import dev.jvisor.shim.proto.task.ShutdownRequest;
import dev.jvisor.shim.proto.task.StartRequest;
import dev.jvisor.shim.proto.task.StartResponse;
import dev.jvisor.shim.proto.task.StateRequest;
import dev.jvisor.shim.proto.task.StateResponse;
import dev.jvisor.shim.proto.task.StatsRequest;
import dev.jvisor.shim.proto.task.StatsResponse;
import dev.jvisor.shim.proto.task.Status;
import dev.jvisor.shim.proto.task.UpdateTaskRequest;
import dev.jvisor.shim.proto.task.WaitRequest;
import dev.jvisor.shim.proto.task.WaitResponse;
import dev.jvisor.shim.ttrpc.Code;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The containers of one shim (one pod) and what the Task service does to them. Each app container gets its own
 * Sentry sandbox booted at Create (so a bad root fails Create, and Start is quick); the pause container gets none.
 */
public final class Tasks {
  static final int SIGKILL = Processes.SIGKILL;
  static final String VERSION = "jvisor 0.1.0";
  public static final String INHERITED_FD = Processes.INHERITED_FD;
  private static final Logger LOG = Logger.getLogger(Tasks.class.getName());

  private final Map<String, Container> containers = new ConcurrentHashMap<>();
  private final Function<SandboxConfig, Sandbox> sandboxes;
  private final EventPublisher events;
  private final Runnable exit;
  private final PrintStream sentryLog;
  private final Processes processes;
  private final Settings settings;
  private final PodSentries podSentries = new PodSentries();
  private final long shimPid = ProcessHandle.current().pid();

  /**
   * @param sandboxes boots a Sentry ({@code Sandbox::create} in production)
   * @param exit called once Shutdown finds no container left
   */
  public Tasks(Function<SandboxConfig, Sandbox> sandboxes, EventPublisher events, Runnable exit,
      PrintStream sentryLog) {
    this.sandboxes = sandboxes;
    this.events = events;
    this.exit = exit;
    this.sentryLog = sentryLog;
    this.processes = new Processes(events);
    this.settings = new Settings(sentryLog);
  }

  /** Called once, when the first Create's runtime options are read (the daemon opens log_path then). */
  public void onConfigured(java.util.function.Consumer<ShimConfig> hook) {
    settings.onConfigured(hook);
  }

  public ShimConfig config() {
    return settings.config();
  }

  public int containerCount() {
    return containers.size();
  }

  private Container get(String id) {
    Container c = containers.get(id == null ? "" : id);
    if (c == null) {
      throw TtrpcException.notFound("container " + Container.abbreviate(id) + " not found");
    }
    return c;
  }

  synchronized CreateTaskResponse create(CreateTaskRequest r) {
    String id = Container.checkId("task id", r.getId());
    if (containers.containsKey(id)) {
      throw new TtrpcException(Code.ALREADY_EXISTS, "container " + id + " already exists");
    }
    if (!r.getCheckpoint().isEmpty() || !r.getParentCheckpoint().isEmpty()) {
      throw new TtrpcException(Code.UNIMPLEMENTED, "restoring from a checkpoint is not implemented");
    }
    settings.apply(r.getOptions());
    Path dir = Path.of(r.getBundle());
    if (!dir.isAbsolute()) {
      throw TtrpcException.invalid("bundle path must be absolute: " + Container.abbreviate(r.getBundle()));
    }
    Bundle bundle;
    try {
      bundle = Bundle.read(dir);
    } catch (BundleException e) {
      throw TtrpcException.invalid(e.getMessage());
    }
    for (String line : SpecCheck.notApplied(bundle.spec())) {
      LOG.info("container " + id + ": " + line);
    }
    boolean pause = bundle.isPodSandbox();
    Path mounted = null;
    Sandbox sandbox = null;
    Path containerRoot = null;
    String sharedPod = null;
    try {
      // The pause container runs nothing, so its image is never read: no mount (containerd removes the bundle).
      if (r.getRootfsCount() > 0 && !pause) {
        Path target = bundle.rootPath();
        RootfsMounts.mount(r.getRootfsList(), target);
        mounted = target;
      }
      if (!pause) {
        SpecCheck.validate(bundle.spec().process, dir + "/config.json");
        MountPlan mountPlan = MountPlan.of(bundle.spec());
        Path root;
        try {
          root = bundle.existingRoot();
        } catch (BundleException e) {
          throw TtrpcException.notFound(e.getMessage());
        }
        containerRoot = root;
        if (SpecCheck.joinsPidNamespace(bundle.spec())) {
          sharedPod = bundle.groupId(id);
          sandbox = podSentries.acquire(sharedPod, () -> sandboxes.apply(settings.sandboxConfig(bundle, root)));
        } else {
          sandbox = sandboxes.apply(settings.sandboxConfig(bundle, root));
        }
        try {
          sandbox.mount(root, mountPlan.mounts());
        } catch (SandboxException e) {
          if (sharedPod != null) {
            podSentries.release(sharedPod);
          } else {
            sandbox.close();
          }
          throw e;
        }
      }
    } catch (BundleException e) {
      unmountQuietly(mounted);
      throw TtrpcException.invalid(e.getMessage());
    } catch (IOException e) {
      unmountQuietly(mounted);
      throw TtrpcException.precondition("cannot mount the rootfs of " + id + ": " + e.getMessage());
    } catch (SandboxException e) {
      unmountQuietly(mounted);
      throw TtrpcException.precondition("cannot boot the sandbox of " + id + ": " + e.getMessage());
    } catch (RuntimeException e) {
      unmountQuietly(mounted);
      throw e;
    }
    IoPaths io = new IoPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal());
    TaskProcess init = new TaskProcess(id, "", bundle.spec().process, io);
    Container created = new Container(id, bundle, pause, init, sandbox, mounted, containerRoot, sharedPod);
    containers.put(id, created);
    if (sandbox != null) {
      sandbox.onOomKill(kill -> oomKilled(created, kill));
    }
    events.publish(EventPublisher.TASK_CREATE, TaskCreate.newBuilder().setContainerId(id).setBundle(r.getBundle())
        .addAllRootfs(r.getRootfsList()).setIo(TaskIO.newBuilder().setStdin(io.stdin()).setStdout(io.stdout())
            .setStderr(io.stderr()).setTerminal(io.terminal())).setPid(pause ? (int) shimPid : 0).build());
    LOG.info("created " + (pause ? "pod sandbox " : "container ") + id);
    return CreateTaskResponse.newBuilder().setPid(pause ? (int) shimPid : 0).build();
  }

  /**
   * The Sentry's OOM killer ended a process with SIGKILL: if it was this container's (in a shared pod Sentry, one
   * started under its root), count it and send {@code /tasks/oom}, as runc's shim does when its cgroup's
   * memory.events oom_kill grows; CRI then reports the container OOMKilled.
   */
  private void oomKilled(Container c, dev.jvisor.sentry.OomKill kill) {
    if (c.sharedPod != null && !kill.root().equals(c.root.toAbsolutePath().normalize())) {
      return; // a neighbour's process
    }
    if (containers.get(c.id) != c) {
      return; // deleted: a shared Sentry outlives its containers' listeners
    }
    c.oomKills.incrementAndGet();
    events.publish(EventPublisher.TASK_OOM, TaskOOM.newBuilder().setContainerId(c.id).build());
  }

  StartResponse start(StartRequest r) {
    Container c = get(r.getId());
    TaskProcess p = c.process(r.getExecId());
    if (!p.claimStart()) {
      throw TtrpcException.precondition("process " + describe(p) + " is " + p.state() + ", not CREATED");
    }
    if (c.podSandbox) {
      p.started(null, (int) shimPid);
      publishStarted(c, p);
    } else {
      if (!p.isInit() && c.init.state() != TaskState.RUNNING) {
        p.exited(126);
        throw TtrpcException.precondition("container " + c.id + " is not running");
      }
      processes.launch(c, p, () -> publishStarted(c, p));
    }
    return StartResponse.newBuilder().setPid(p.pid()).build();
  }

  /** TaskStart or TaskExecStarted: before the process's waiter exists, so before any TaskExit of it. */
  private void publishStarted(Container c, TaskProcess p) {
    if (p.isInit()) {
      events.publish(EventPublisher.TASK_START, TaskStart.newBuilder().setContainerId(c.id).setPid(p.pid()).build());
    } else {
      events.publish(EventPublisher.TASK_EXEC_STARTED, TaskExecStarted.newBuilder().setContainerId(c.id)
          .setExecId(p.execId).setPid(p.pid()).build());
    }
  }

  StateResponse state(StateRequest r) {
    Container c = get(r.getId());
    TaskProcess p = c.process(r.getExecId());
    boolean paused = c.paused() && p.state() == TaskState.RUNNING;
    StateResponse.Builder b = StateResponse.newBuilder().setId(c.id).setBundle(c.bundle.dir().toString())
        .setPid(p.pid()).setStatus(paused ? Status.PAUSED : p.state().wire()).setStdin(p.io.stdin()).setStdout(p.io.stdout())
        .setStderr(p.io.stderr()).setTerminal(p.io.terminal()).setExecId(p.execId);
    if (p.state() == TaskState.STOPPED) {
      b.setExitStatus(p.exitStatus()).setExitedAt(timestamp(p.exitedAt()));
    }
    return b.build();
  }

  WaitResponse await(WaitRequest r) {
    TaskProcess p = get(r.getId()).process(r.getExecId());
    try {
      p.awaitExit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TtrpcException(Code.UNAVAILABLE, "the shim is shutting down");
    }
    return WaitResponse.newBuilder().setExitStatus(p.exitStatus()).setExitedAt(timestamp(p.exitedAt())).build();
  }

  Empty kill(KillRequest r) {
    Container c = get(r.getId());
    int sig = r.getSignal();
    if (sig < 1 || sig > 64) {
      throw TtrpcException.invalid("signal " + Integer.toUnsignedLong(sig) + " is not 1-64");
    }
    if (r.getAll() && r.getExecId().isEmpty()) {
      List<TaskProcess> all = new ArrayList<>(c.execs());
      all.add(c.init);
      boolean any = false;
      for (TaskProcess p : all) {
        if (p.state() != TaskState.STOPPED) {
          processes.signal(c, p, sig);
          any = true;
        }
      }
      if (!any) {
        throw TtrpcException.notFound("no process of " + c.id + " is running");
      }
      return empty();
    }
    processes.signal(c, c.process(r.getExecId()), sig);
    return empty();
  }

  Empty exec(ExecProcessRequest r) {
    Container c = get(r.getId());
    String execId = Container.checkId("exec id", r.getExecId());
    if (c.podSandbox) {
      throw TtrpcException.precondition("the pod sandbox container runs nothing to exec into");
    }
    if (c.init.state() != TaskState.RUNNING) {
      throw TtrpcException.precondition("container " + c.id + " is " + c.init.state() + ", not RUNNING");
    }
    Spec.Process spec;
    try {
      spec = Bundle.parseProcess(r.getSpec().getValue().toByteArray());
      SpecCheck.validate(spec, "exec " + execId);
    } catch (BundleException e) {
      throw TtrpcException.invalid(e.getMessage());
    }
    c.addExec(new TaskProcess(c.id, execId, spec, new IoPaths(r.getStdin(), r.getStdout(), r.getStderr(), r.getTerminal())));
    events.publish(EventPublisher.TASK_EXEC_ADDED, TaskExecAdded.newBuilder().setContainerId(c.id)
        .setExecId(execId).build());
    return empty();
  }

  DeleteResponse delete(DeleteRequest r) {
    Container c = get(r.getId());
    if (!r.getExecId().isEmpty()) {
      TaskProcess p = c.process(r.getExecId());
      if (p.state() == TaskState.RUNNING) {
        throw TtrpcException.precondition("exec " + p.execId + " is still running");
      }
      processes.ended(c, p, 128 + SIGKILL);
      c.removeExec(p.execId);
      return deleted(p);
    }
    TaskProcess init = c.init;
    if (init.state() == TaskState.RUNNING) {
      throw TtrpcException.precondition("container " + c.id + " is still running; kill it first");
    }
    processes.ended(c, init, 128 + SIGKILL);
    if (!containers.remove(c.id, c)) {
      throw TtrpcException.notFound("container " + c.id + " was deleted concurrently");
    }
    release(c);
    events.publish(EventPublisher.TASK_DELETE, TaskDelete.newBuilder().setContainerId(c.id).setId(c.id)
        .setPid(init.pid()).setExitStatus(init.exitStatus()).setExitedAt(timestamp(init.exitedAt())).build());
    LOG.info("deleted " + c.id);
    return deleted(init);
  }

  private static DeleteResponse deleted(TaskProcess p) {
    return DeleteResponse.newBuilder().setPid(p.pid()).setExitStatus(p.exitStatus())
        .setExitedAt(timestamp(p.exitedAt())).build();
  }

  /** Returns the sandbox's memory and unmounts the rootfs; failures are logged, never thrown. */
  private void release(Container c) {
    if (c.sharedPod != null) {
      podSentries.release(c.sharedPod);
    } else if (c.sandbox != null) {
      try {
        c.sandbox.close();
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "closing the sandbox of " + c.id + " failed", e);
      }
    }
    unmountQuietly(c.mountedRoot);
  }

  private static void unmountQuietly(Path mounted) {
    if (mounted == null) {
      return;
    }
    try {
      RootfsMounts.unmount(mounted);
    } catch (IOException e) {
      LOG.warning("unmount " + mounted + ": " + e.getMessage());
    }
  }

  PidsResponse pids(PidsRequest r) {
    Container c = get(r.getId());
    PidsResponse.Builder b = PidsResponse.newBuilder();
    if (c.sandbox == null) {
      if (c.init.state() == TaskState.RUNNING) {
        b.addProcesses(ProcessInfo.newBuilder().setPid(c.init.pid()));
      }
      return b.build();
    }
    for (int pid : c.sandbox.pids()) {
      b.addProcesses(ProcessInfo.newBuilder().setPid(pid));
    }
    return b.build();
  }

  /**
   * Freezes the container's processes: its own Sentry whole, or in a pod's shared Sentry only the processes under
   * its root, while its neighbours run on. Every frozen task stops before its next instruction in the guest,
   * invisibly to the guest (as the cgroup freezer runc uses).
   */
  synchronized Empty pause(PauseRequest r) {
    Container c = get(r.getId());
    if (c.sandbox == null || c.init.state() != TaskState.RUNNING) {
      throw TtrpcException.precondition("container " + c.id + " is not running");
    }
    if (c.paused()) {
      throw TtrpcException.precondition("container " + c.id + " is already paused");
    }
    if (c.sharedPod != null) {
      c.sandbox.freeze(c.root);
    } else {
      c.sandbox.freeze();
    }
    c.setPaused(true);
    events.publish(EventPublisher.TASK_PAUSED, TaskPaused.newBuilder().setContainerId(c.id).build());
    LOG.info("paused " + c.id);
    return empty();
  }

  synchronized Empty resume(ResumeRequest r) {
    Container c = get(r.getId());
    if (!c.paused()) {
      throw TtrpcException.precondition("container " + c.id + " is not paused");
    }
    if (c.sharedPod != null) {
      c.sandbox.thaw(c.root);
    } else {
      c.sandbox.thaw();
    }
    c.setPaused(false);
    events.publish(EventPublisher.TASK_RESUMED, TaskResumed.newBuilder().setContainerId(c.id).build());
    LOG.info("resumed " + c.id);
    return empty();
  }

  /** Task.Update: see {@link ResourceUpdate} for what is honoured. */
  synchronized Empty update(UpdateTaskRequest r) {
    Container c = get(r.getId());
    if (c.init.state() == TaskState.STOPPED) {
      throw TtrpcException.precondition("container " + c.id + " has stopped");
    }
    ResourceUpdate.apply(c, r.getResources(), settings.config().memoryOverhead());
    return empty();
  }

  /**
   * cgroup v2-shaped metrics from the Sentry: live processes, guest memory in use against the sandbox's size,
   * host CPU time of its tasks (not split into user and system), out-of-memory episodes. In a pod sharing one
   * Sentry the memory and CPU are the Sentry's, the pids the container's view.
   */
  StatsResponse stats(StatsRequest r) {
    Container c = get(r.getId());
    Metrics.Builder m = Metrics.newBuilder();
    if (c.sandbox != null) {
      long cpu = Math.max(0, c.sandbox.cpuNanos());
      long mem = Math.max(0, c.sandbox.guestMemoryInUse());
      m.setPids(PidsStat.newBuilder().setCurrent(c.sandbox.pids().size())
              .setLimit(c.sandbox.taskLimit()))
          .setCpu(CPUStat.newBuilder().setUsageUsec(cpu / 1000))
          .setMemory(MemoryStat.newBuilder().setUsage(mem).setAnon(mem)
              .setUsageLimit(c.sandbox.memoryLimit()))
          // Every time the Sentry's OOM killer runs it kills: "oom" and "oom_kill" count the same episodes.
          .setMemoryEvents(MemoryEvents.newBuilder().setOom(c.oomKills.get()).setOomKill(c.oomKills.get()));
    } else {
      m.setPids(PidsStat.newBuilder().setCurrent(c.init.state() == TaskState.RUNNING ? 1 : 0));
    }
    return StatsResponse.newBuilder().setStats(com.google.protobuf.Any.newBuilder()
        .setTypeUrl(METRICS_TYPE_URL).setValue(m.build().toByteString())).build();
  }

  /** What containerd's typeurl registry knows cgroup v2 metrics by (a bare name, no type.googleapis.com/). */
  static final String METRICS_TYPE_URL = "io.containerd.cgroups.v2.Metrics";

  Empty resizePty(ResizePtyRequest r) {
    TaskProcess p = get(r.getId()).process(r.getExecId());
    if (!p.io.terminal()) {
      throw TtrpcException.precondition("process " + describe(p) + " has no terminal");
    }
    TerminalIo t = p.terminal();
    if (t == null) {
      throw TtrpcException.precondition("process " + describe(p) + " has not started");
    }
    if (Integer.toUnsignedLong(r.getWidth()) > 0xffff || Integer.toUnsignedLong(r.getHeight()) > 0xffff) {
      throw TtrpcException.invalid("window size " + Integer.toUnsignedLong(r.getWidth()) + "x"
          + Integer.toUnsignedLong(r.getHeight()) + " is out of range");
    }
    t.resize(r.getWidth(), r.getHeight());
    return empty();
  }

  /** The process reads the stdin fifo directly and the shim holds no writer, so containerd's close is the EOF. */
  Empty closeIo(CloseIORequest r) {
    get(r.getId()).process(r.getExecId());
    return empty();
  }

  ConnectResponse connect(ConnectRequest r) {
    Container c = containers.get(r.getId());
    return ConnectResponse.newBuilder().setShimPid((int) shimPid).setTaskPid(c == null ? 0 : c.init.pid())
        .setVersion(VERSION).build();
  }

  Empty shutdown(ShutdownRequest r) {
    if (containers.isEmpty()) {
      LOG.info("shutdown: no containers left, exiting");
      exit.run();
    } else {
      LOG.info("shutdown for " + r.getId() + " ignored: " + containers.keySet() + " still here");
    }
    return empty();
  }

  /** Create for the OCI CLI's daemon (same rules as over ttrpc); stdio may be "fd:N" for this process's fds. */
  public void createForCli(CreateTaskRequest r) {
    processes.allowInheritedStdio();
    create(r);
  }

  /** Start for the OCI CLI; returns the pid inside the sandbox. */
  public int startForCli(String id, String execId) {
    return start(StartRequest.newBuilder().setId(id).setExecId(execId).build()).getPid();
  }

  /** Blocks until the container's init process has ended; returns its exit status. */
  public int awaitInit(String id) throws InterruptedException {
    TaskProcess init = get(id).init;
    init.awaitExit();
    return init.exitStatus();
  }

  /** Kills and releases everything (the daemon is going away). */
  public void closeAll() {
    for (Container c : containers.values()) {
      for (TaskProcess p : c.execs()) {
        processes.ended(c, p, 128 + SIGKILL);
      }
      processes.ended(c, c.init, 128 + SIGKILL);
      containers.remove(c.id);
      release(c);
    }
  }

  private static String describe(TaskProcess p) {
    return p.isInit() ? p.containerId : p.containerId + "/" + p.execId;
  }
}
