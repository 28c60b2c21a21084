package dev.jvisor.shim.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.shim.events.EventPublisher;
import dev.jvisor.shim.proto.events.TaskExit;
import dev.jvisor.shim.proto.events.TaskOOM;
import dev.jvisor.shim.proto.events.TaskPaused;
import dev.jvisor.shim.proto.runtimeoptions.Options;
import dev.jvisor.shim.proto.task.ConnectRequest;
import dev.jvisor.shim.proto.cgroups.Metrics;
import dev.jvisor.shim.proto.task.CreateTaskRequest;
import dev.jvisor.shim.proto.task.PauseRequest;
import dev.jvisor.shim.proto.task.ResizePtyRequest;
import dev.jvisor.shim.proto.task.ResumeRequest;
import dev.jvisor.shim.proto.task.StatsRequest;
import dev.jvisor.shim.proto.task.StatsResponse;
import dev.jvisor.shim.proto.task.DeleteRequest;
import dev.jvisor.shim.proto.task.DeleteResponse;
import dev.jvisor.shim.proto.task.ExecProcessRequest;
import dev.jvisor.shim.proto.task.KillRequest;
import dev.jvisor.shim.proto.task.PidsRequest;
import dev.jvisor.shim.proto.task.ShutdownRequest;
import dev.jvisor.shim.proto.task.StartRequest;
import dev.jvisor.shim.proto.task.StateRequest;
import dev.jvisor.shim.proto.task.Status;
import dev.jvisor.shim.proto.task.UpdateTaskRequest;
import dev.jvisor.shim.proto.task.WaitRequest;
import dev.jvisor.shim.proto.task.WaitResponse;
import dev.jvisor.shim.ttrpc.CallContext;
import dev.jvisor.shim.ttrpc.Code;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class TasksTest {
  @TempDir Path tmp;
  final List<String> topics = new CopyOnWriteArrayList<>();
  final List<Message> events = new CopyOnWriteArrayList<>();
  final List<FakeSandbox> sandboxes = new CopyOnWriteArrayList<>();
  final AtomicInteger exits = new AtomicInteger();
  Tasks tasks;
  TaskService service;

  @BeforeEach
  void setUp() {
    EventPublisher pub = (topic, event) -> {
      topics.add(topic);
      events.add(event);
    };
    tasks = new Tasks(c -> {
      FakeSandbox s = new FakeSandbox(c);
      sandboxes.add(s);
      return s;
    }, pub, exits::incrementAndGet, System.err);
    service = new TaskService(TaskService.NAME, tasks);
  }

  Path bundle(String name, String configJson) throws Exception {
    Path b = Files.createDirectories(tmp.resolve(name));
    Files.createDirectories(b.resolve("rootfs"));
    Files.writeString(b.resolve("config.json"), configJson);
    return b;
  }

  static String config(String args, String annotations) {
    return "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":" + args + ",\"env\":[\"PATH=/bin\"],\"cwd\":\"/\","
        + "\"user\":{\"uid\":0,\"gid\":0}},\"root\":{\"path\":\"rootfs\"},\"hostname\":\"h\","
        + "\"annotations\":" + annotations + ",\"linux\":{\"namespaces\":[{\"type\":\"pid\"}],"
        + "\"resources\":{\"memory\":{\"limit\":134217728}}}}";
  }

  void create(String id, Path bundle) {
    tasks.create(CreateTaskRequest.newBuilder().setId(id).setBundle(bundle.toString()).build());
  }

  @Test
  void lifeOfAContainerWithEventsAndExitStatus() throws Exception {
    create("c1", bundle("c1", config("[\"sleep\",\"60\"]", "{}")));
    FakeSandbox sb = sandboxes.get(0);
    assertThat(sb.config.memoryBytes()).isEqualTo(128L * 1024 * 1024 + (64L << 20));
    assertThat(sb.config.hostname()).isEqualTo("h");
    assertThat(tasks.state(StateRequest.newBuilder().setId("c1").build()).getStatus()).isEqualTo(Status.CREATED);

    // Wait blocks while CREATED (CRI calls it before Start).
    CompletableFuture<WaitResponse> wait = CompletableFuture.supplyAsync(
        () -> tasks.await(WaitRequest.newBuilder().setId("c1").build()));
    int pid = tasks.start(StartRequest.newBuilder().setId("c1").build()).getPid();
    assertThat(pid).isEqualTo(1);
    assertThat(sb.processes.get(0).spec.argv()).containsExactly("sleep", "60");
    assertThat(tasks.state(StateRequest.newBuilder().setId("c1").build()).getStatus()).isEqualTo(Status.RUNNING);
    assertThat(wait).isNotDone();
    assertThatThrownBy(() -> tasks.start(StartRequest.newBuilder().setId("c1").build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.FAILED_PRECONDITION));
    assertThatThrownBy(() -> tasks.delete(DeleteRequest.newBuilder().setId("c1").build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.FAILED_PRECONDITION));

    tasks.kill(KillRequest.newBuilder().setId("c1").setSignal(15).build());
    WaitResponse w = wait.get(5, TimeUnit.SECONDS);
    assertThat(w.getExitStatus()).isEqualTo(128 + 15);
    assertThat(w.getExitedAt().getSeconds()).isPositive();
    // Kill of a finished process: NotFound.
    assertThatThrownBy(() -> tasks.kill(KillRequest.newBuilder().setId("c1").setSignal(9).build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.NOT_FOUND));
    DeleteResponse d = tasks.delete(DeleteRequest.newBuilder().setId("c1").build());
    assertThat(d.getExitStatus()).isEqualTo(143);
    assertThat(sb.closed).isTrue();
    assertThat(topics).containsExactly(EventPublisher.TASK_CREATE, EventPublisher.TASK_START,
        EventPublisher.TASK_EXIT, EventPublisher.TASK_DELETE);
    TaskExit exit = (TaskExit) events.get(2);
    assertThat(exit.getContainerId()).isEqualTo("c1");
    assertThat(exit.getExitStatus()).isEqualTo(143);
    assertThatThrownBy(() -> tasks.state(StateRequest.newBuilder().setId("c1").build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.NOT_FOUND));
  }

  @Test
  void execsRunInTheContainersSandboxAndDieWithInit() throws Exception {
    create("c2", bundle("c2", config("[\"sleep\",\"60\"]", "{}")));
    tasks.start(StartRequest.newBuilder().setId("c2").build());
    Any spec = Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Process")
        .setValue(ByteString.copyFromUtf8("{\"args\":[\"uname\",\"-sr\"],\"env\":[\"A=b\"],\"cwd\":\"/\"}")).build();
    tasks.exec(ExecProcessRequest.newBuilder().setId("c2").setExecId("e1").setSpec(spec).build());
    assertThatThrownBy(() -> tasks.exec(ExecProcessRequest.newBuilder().setId("c2").setExecId("e1").setSpec(spec)
        .build())).satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.ALREADY_EXISTS));
    int pid = tasks.start(StartRequest.newBuilder().setId("c2").setExecId("e1").build()).getPid();
    assertThat(pid).isEqualTo(2);
    assertThat(sandboxes).hasSize(1);
    assertThat(tasks.pids(PidsRequest.newBuilder().setId("c2").build()).getProcessesCount()).isEqualTo(2);
    sandboxes.get(0).processes.get(1).exit(3);
    assertThat(tasks.await(WaitRequest.newBuilder().setId("c2").setExecId("e1").build()).getExitStatus())
        .isEqualTo(3);
    assertThatThrownBy(() -> tasks.state(StateRequest.newBuilder().setId("c2").setExecId("nope").build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.NOT_FOUND));
    tasks.delete(DeleteRequest.newBuilder().setId("c2").setExecId("e1").build());

    tasks.exec(ExecProcessRequest.newBuilder().setId("c2").setExecId("e2").setSpec(spec).build());
    tasks.start(StartRequest.newBuilder().setId("c2").setExecId("e2").build());
    sandboxes.get(0).processes.get(0).exit(0); // init ends: the exec is killed with it
    assertThat(tasks.await(WaitRequest.newBuilder().setId("c2").setExecId("e2").build()).getExitStatus())
        .isEqualTo(137);
    assertThat(topics).contains(EventPublisher.TASK_EXEC_ADDED, EventPublisher.TASK_EXEC_STARTED);
  }

  @Test
  void containersJoiningThePodsPidNamespaceShareOneSentryEachUnderItsRoot() throws Exception {
    String shared = "{\"io.kubernetes.cri.sandbox-id\":\"podA\"}";
    String joinPid = "\"namespaces\":[{\"type\":\"pid\"}]";
    String cfg = config("[\"sleep\",\"60\"]", shared)
        .replace(joinPid, "\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}]");
    create("a", bundle("a", cfg));
    create("b", bundle("b", cfg));
    create("own", bundle("own", config("[\"sleep\",\"60\"]", shared)));
    assertThat(sandboxes).hasSize(2); // one shared by a and b, one for "own" (private PID namespace)
    FakeSandbox pod = sandboxes.get(0);
    assertThat(pod.config.root()).isEqualTo(tmp.resolve("a/rootfs"));
    tasks.start(StartRequest.newBuilder().setId("a").build());
    int pidB = tasks.start(StartRequest.newBuilder().setId("b").build()).getPid();
    assertThat(pidB).isEqualTo(2); // same PID space
    assertThat(pod.roots).containsExactly(tmp.resolve("a/rootfs"), tmp.resolve("b/rootfs"));
    tasks.kill(KillRequest.newBuilder().setId("a").setSignal(9).build());
    tasks.await(WaitRequest.newBuilder().setId("a").build());
    tasks.delete(DeleteRequest.newBuilder().setId("a").build());
    assertThat(pod.closed).as("b still uses the pod's Sentry").isFalse();
    assertThat(pod.processes.get(1).isAlive()).isTrue();
    tasks.kill(KillRequest.newBuilder().setId("b").setSignal(9).build());
    tasks.await(WaitRequest.newBuilder().setId("b").build());
    tasks.delete(DeleteRequest.newBuilder().setId("b").build());
    assertThat(pod.closed).isTrue();
  }

  @Test
  void inASharedSentryPauseFreezesOnlyThatContainerAndOomKillsReachTheirOwnContainer() throws Exception {
    String cfg = config("[\"sleep\",\"60\"]", "{\"io.kubernetes.cri.sandbox-id\":\"podP\"}")
        .replace("\"namespaces\":[{\"type\":\"pid\"}]",
            "\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}]");
    create("a", bundle("a", cfg));
    create("b", bundle("b", cfg));
    FakeSandbox pod = sandboxes.get(0);
    tasks.start(StartRequest.newBuilder().setId("a").build());
    tasks.start(StartRequest.newBuilder().setId("b").build());

    tasks.pause(PauseRequest.newBuilder().setId("b").build());
    assertThat(pod.frozenRoots).containsExactly(tmp.resolve("b/rootfs"));
    assertThat(pod.frozen).as("not the whole Sentry").isFalse();
    assertThat(tasks.state(StateRequest.newBuilder().setId("b").build()).getStatus()).isEqualTo(Status.PAUSED);
    assertThat(tasks.state(StateRequest.newBuilder().setId("a").build()).getStatus()).isEqualTo(Status.RUNNING);
    tasks.resume(ResumeRequest.newBuilder().setId("b").build());
    assertThat(pod.frozenRoots).isEmpty();
    assertThat(tasks.state(StateRequest.newBuilder().setId("b").build()).getStatus()).isEqualTo(Status.RUNNING);
    assertThat(topics).containsSubsequence(EventPublisher.TASK_PAUSED, EventPublisher.TASK_RESUMED);
    assertThat(((TaskPaused) events.get(topics.indexOf(EventPublisher.TASK_PAUSED))).getContainerId())
        .isEqualTo("b");

    // The OOM killer ends b's process: /tasks/oom for b only, and its exit is 137.
    pod.oomKill(pod.processes.get(1), tmp.resolve("b/rootfs"));
    assertThat(tasks.await(WaitRequest.newBuilder().setId("b").build()).getExitStatus()).isEqualTo(128 + 9);
    assertThat(events).filteredOn(e -> e instanceof TaskOOM).extracting(e -> ((TaskOOM) e).getContainerId())
        .containsExactly("b");
    Metrics a = Metrics.parseFrom(tasks.stats(StatsRequest.newBuilder().setId("a").build()).getStats().getValue());
    Metrics b = Metrics.parseFrom(tasks.stats(StatsRequest.newBuilder().setId("b").build()).getStats().getValue());
    assertThat(a.getMemoryEvents().getOomKill()).isZero();
    assertThat(b.getMemoryEvents().getOomKill()).isOne();
    tasks.kill(KillRequest.newBuilder().setId("a").setSignal(9).build());
  }

  /**
   * A process that ends at once: its TaskExit must still follow its TaskStart/TaskExecStarted. The publisher
   * gives a TaskExit every chance to overtake (it holds each start event until an exit came or {@link
   * #OVERTAKE_CHANCE} passed), so a shim that reports the exit before the start fails here every time.
   */
  @Test
  void aProcessThatEndsAtOnceIsReportedStartedBeforeExited() throws Exception {
    List<String> order = new CopyOnWriteArrayList<>();
    java.util.concurrent.CountDownLatch exitSeen = new java.util.concurrent.CountDownLatch(1);
    EventPublisher racing = (topic, event) -> {
      if (topic.equals(EventPublisher.TASK_START) || topic.equals(EventPublisher.TASK_EXEC_STARTED)) {
        try {
          exitSeen.await(OVERTAKE_CHANCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (topic.equals(EventPublisher.TASK_EXIT)) {
        exitSeen.countDown();
      }
      order.add(topic);
    };
    Tasks quick = new Tasks(FakeSandbox::new, racing, () -> { }, System.err);
    quick.create(CreateTaskRequest.newBuilder().setId("q").setBundle(bundle("q", config("[\"sleep\",\"60\"]",
        "{}")).toString()).build());
    quick.start(StartRequest.newBuilder().setId("q").build());
    quick.exec(ExecProcessRequest.newBuilder().setId("q").setExecId("e").setSpec(Any.newBuilder()
        .setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Process").setValue(ByteString.copyFromUtf8(
            "{\"args\":[\"/bin/true\"],\"cwd\":\"/\"}"))).build());
    quick.start(StartRequest.newBuilder().setId("q").setExecId("e").build());
    assertThat(quick.await(WaitRequest.newBuilder().setId("q").setExecId("e").build()).getExitStatus()).isZero();
    assertThat(order).containsSubsequence(EventPublisher.TASK_EXEC_STARTED, EventPublisher.TASK_EXIT);
    quick.kill(KillRequest.newBuilder().setId("q").setSignal(9).build());
  }

  /** How long a start event waits for an exit event that could overtake it. */
  private static final java.time.Duration OVERTAKE_CHANCE = java.time.Duration.ofMillis(500);

  @Test
  void aFailedStartReportsTheCommandsExitCode() throws Exception {
    create("c3", bundle("c3", config("[\"/bin/missing\"]", "{}")));
    assertThatThrownBy(() -> tasks.start(StartRequest.newBuilder().setId("c3").build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.FAILED_PRECONDITION))
        .hasMessageContaining("not found");
    assertThat(tasks.await(WaitRequest.newBuilder().setId("c3").build()).getExitStatus()).isEqualTo(127);
  }

  @Test
  void pauseContainerRunsNothingAndShutdownWaitsForTheLastContainer() throws Exception {
    create("pod", bundle("pod", config("[\"/pause\"]", "{\"io.kubernetes.cri.container-type\":\"sandbox\","
        + "\"io.kubernetes.cri.sandbox-id\":\"pod\"}")));
    assertThat(sandboxes).isEmpty();
    int pid = tasks.start(StartRequest.newBuilder().setId("pod").build()).getPid();
    assertThat(pid).isEqualTo((int) ProcessHandle.current().pid());
    assertThat(tasks.connect(ConnectRequest.newBuilder().setId("pod").build()).getTaskPid()).isEqualTo(pid);
    assertThat(tasks.connect(ConnectRequest.newBuilder().setId("other").build()).getTaskPid()).isZero();
    tasks.shutdown(ShutdownRequest.newBuilder().setId("pod").build());
    assertThat(exits.get()).isZero();
    tasks.kill(KillRequest.newBuilder().setId("pod").setSignal(9).setAll(true).build());
    assertThat(tasks.await(WaitRequest.newBuilder().setId("pod").build()).getExitStatus()).isEqualTo(137);
    tasks.delete(DeleteRequest.newBuilder().setId("pod").build());
    tasks.shutdown(ShutdownRequest.newBuilder().setId("pod").build());
    assertThat(exits.get()).isEqualTo(1);
  }

  @Test
  void badInputGetsTheRightCodes() throws Exception {
    assertThatThrownBy(() -> create("bad", bundle("bad", "{\"process\": [1,2")))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.INVALID_ARGUMENT))
        .hasMessageContaining("config.json");
    Path noRoot = bundle("noroot", config("[\"sh\"]", "{}"));
    Files.delete(noRoot.resolve("rootfs"));
    assertThatThrownBy(() -> create("noroot", noRoot))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.NOT_FOUND))
        .hasMessageContaining("rootfs");
    assertThatThrownBy(() -> create("../evil", bundle("evil", config("[\"sh\"]", "{}"))))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> create("noargs", bundle("noargs", config("[]", "{}"))))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> tasks.create(CreateTaskRequest.newBuilder().setId("rel").setBundle("relative/dir")
        .build())).satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.INVALID_ARGUMENT));
    create("ok", bundle("ok", config("[\"sh\"]", "{}")));
    assertThatThrownBy(() -> create("ok", tmp.resolve("ok")))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.ALREADY_EXISTS));
    assertThatThrownBy(() -> tasks.kill(KillRequest.newBuilder().setId("ok").setSignal(99).build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> tasks.kill(KillRequest.newBuilder().setId("ghost").setSignal(9).build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.NOT_FOUND));
    // Through the ttrpc face: garbage payload and unimplemented methods.
    CallContext ctx = new CallContext(Map.of(), 0);
    assertThatThrownBy(() -> service.call("State", new byte[] {(byte) 0xff, 1}, ctx))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.INVALID_ARGUMENT));
    for (String m : List.of("Checkpoint", "Bogus")) {
      assertThatThrownBy(() -> service.call(m, new byte[0], ctx))
          .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.UNIMPLEMENTED));
    }
    for (String m : List.of("Pause", "Resume", "Stats", "Update")) {
      assertThatThrownBy(() -> service.call(m, new byte[0], ctx))
          .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.NOT_FOUND));
    }
    // ResizePty without a terminal; Pause of a container that is not running.
    assertThatThrownBy(() -> tasks.resizePty(ResizePtyRequest.newBuilder().setId("ok").setWidth(80).build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.FAILED_PRECONDITION));
    assertThatThrownBy(() -> tasks.pause(PauseRequest.newBuilder().setId("ok").build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.FAILED_PRECONDITION));
  }

  @Test
  void pauseResumeAndStatsOfARunningContainer() throws Exception {
    create("p1", bundle("p1", config("[\"sleep\",\"60\"]", "{}")));
    tasks.start(StartRequest.newBuilder().setId("p1").build());
    FakeSandbox sb = sandboxes.get(0);
    tasks.pause(PauseRequest.newBuilder().setId("p1").build());
    assertThat(sb.frozen).isTrue();
    assertThat(tasks.state(StateRequest.newBuilder().setId("p1").build()).getStatus()).isEqualTo(Status.PAUSED);
    assertThatThrownBy(() -> tasks.pause(PauseRequest.newBuilder().setId("p1").build()))
        .satisfies(e -> assertThat(((TtrpcException) e).code()).isEqualTo(Code.FAILED_PRECONDITION));
    tasks.resume(ResumeRequest.newBuilder().setId("p1").build());
    assertThat(sb.frozen).isFalse();
    assertThat(tasks.state(StateRequest.newBuilder().setId("p1").build()).getStatus()).isEqualTo(Status.RUNNING);
    assertThat(topics).containsSubsequence(EventPublisher.TASK_PAUSED, EventPublisher.TASK_RESUMED);

    StatsResponse stats = tasks.stats(StatsRequest.newBuilder().setId("p1").build());
    assertThat(stats.getStats().getTypeUrl()).isEqualTo("io.containerd.cgroups.v2.Metrics");
    Metrics m = Metrics.parseFrom(stats.getStats().getValue());
    assertThat(m.getPids().getCurrent()).isEqualTo(1);
    assertThat(m.getCpu().getUsageUsec()).isEqualTo(FakeSandbox.CPU_NANOS / 1000);
    assertThat(m.getMemory().getUsage()).isEqualTo(FakeSandbox.MEMORY_IN_USE);
    assertThat(m.getMemory().getUsageLimit()).isEqualTo(sb.config.memoryBytes());
    tasks.kill(KillRequest.newBuilder().setId("p1").setSignal(9).build());
  }

  static Any resources(String json) {
    return Any.newBuilder().setTypeUrl(ResourceUpdate.TYPE_URL).setValue(ByteString.copyFromUtf8(json)).build();
  }

  void update(String id, String json) {
    tasks.update(UpdateTaskRequest.newBuilder().setId(id).setResources(resources(json)).build());
  }

  static Code code(Throwable e) {
    return ((TtrpcException) e).code();
  }

  @Test
  void updateHonoursMemoryAndPidsLimitsWithinWhatTheSentryCanDo() throws Exception {
    // Created with a 128 MiB limit (guest: 128 + 64 MiB overhead) and pids.limit 100.
    create("u1", bundle("u1", config("[\"sleep\",\"60\"]", "{}")
        .replace("\"resources\":{", "\"resources\":{\"pids\":{\"limit\":100},")));
    tasks.start(StartRequest.newBuilder().setId("u1").build());
    FakeSandbox sb = sandboxes.get(0);
    assertThat(sb.config.maxTasks()).as("pids.limit at Create").isEqualTo(100);

    update("u1", "{\"memory\":{\"limit\":67108864},\"pids\":{\"limit\":50},\"cpu\":{\"shares\":512}}");
    assertThat(sb.memoryLimit()).isEqualTo((64L << 20) + (64L << 20));
    assertThat(sb.taskLimit()).isEqualTo(50);
    Metrics m = Metrics.parseFrom(tasks.stats(StatsRequest.newBuilder().setId("u1").build()).getStats().getValue());
    assertThat(m.getMemory().getUsageLimit()).isEqualTo(128L << 20);
    assertThat(m.getPids().getLimit()).isEqualTo(50);

    update("u1", "{\"pids\":{\"limit\":-1}}");
    assertThat(sb.taskLimit()).as("no limit: the Sentry's own bound").isEqualTo(SandboxConfig.DEFAULT_MAX_TASKS);
    update("u1", "{\"pids\":{\"limit\":100000}}");
    assertThat(sb.taskLimit()).as("never above the Sentry's bound").isEqualTo(SandboxConfig.DEFAULT_MAX_TASKS);

    // Growing the guest past its boot size, or below what is in use: refused, nothing changed.
    assertThatThrownBy(() -> update("u1", "{\"memory\":{\"limit\":1073741824},\"pids\":{\"limit\":7}}"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Code.FAILED_PRECONDITION))
        .hasMessageContaining("cannot grow");
    assertThat(sb.memoryLimit()).isEqualTo(128L << 20);
    assertThat(sb.taskLimit()).isEqualTo(SandboxConfig.DEFAULT_MAX_TASKS);
    assertThatThrownBy(() -> tasks.update(UpdateTaskRequest.newBuilder().setId("u1")
        .setResources(Any.newBuilder().setTypeUrl("types.containerd.io/something/Else")).build()))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Code.INVALID_ARGUMENT));
    assertThatThrownBy(() -> update("u1", "{\"memory\":"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Code.INVALID_ARGUMENT));
    tasks.kill(KillRequest.newBuilder().setId("u1").setSignal(9).build());
    tasks.await(WaitRequest.newBuilder().setId("u1").build());
    assertThatThrownBy(() -> update("u1", "{\"pids\":{\"limit\":5}}"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Code.FAILED_PRECONDITION));
  }

  @Test
  void updateOfAContainerSharingItsPodsSentryRefusesItsOwnLimits() throws Exception {
    String cfg = config("[\"sleep\",\"60\"]", "{\"io.kubernetes.cri.sandbox-id\":\"podU\"}")
        .replace("\"namespaces\":[{\"type\":\"pid\"}]",
            "\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}]");
    create("s1", bundle("s1", cfg));
    tasks.start(StartRequest.newBuilder().setId("s1").build());
    assertThatThrownBy(() -> update("s1", "{\"memory\":{\"limit\":67108864}}"))
        .satisfies(e -> assertThat(code(e)).isEqualTo(Code.FAILED_PRECONDITION))
        .hasMessageContaining("pod's Sentry");
    update("s1", "{\"cpu\":{\"quota\":50000,\"period\":100000}}"); // not applied, logged, as at Create
    assertThat(sandboxes.get(0).memoryLimit()).isEqualTo(sandboxes.get(0).config.memoryBytes());
    tasks.kill(KillRequest.newBuilder().setId("s1").setSignal(9).build());
  }

  @Test
  void runtimeOptionsFileConfiguresTheSandbox() throws Exception {
    Path toml = tmp.resolve("jvisor.toml");
    Files.writeString(toml, "debug = true\nkernel_release = \"5.15.0\"\nmemory_overhead = \"16M\"\n");
    Any opts = Any.newBuilder().setTypeUrl("runtimeoptions.v1.Options")
        .setValue(Options.newBuilder().setConfigPath(toml.toString()).build().toByteString()).build();
    tasks.create(CreateTaskRequest.newBuilder().setId("o1").setBundle(bundle("o1", config("[\"sh\"]", "{}"))
        .toString()).setOptions(opts).build());
    SandboxConfig c = sandboxes.get(0).config;
    assertThat(c.debug()).isTrue();
    assertThat(c.kernelRelease()).isEqualTo("5.15.0");
    assertThat(c.memoryBytes()).isEqualTo((128L << 20) + (16L << 20));
    assertThat(new String(service.call("Connect", ConnectRequest.newBuilder().setId("o1").build().toByteArray(),
        new CallContext(Map.of(), 0)), StandardCharsets.ISO_8859_1)).contains("jvisor");
  }
}
