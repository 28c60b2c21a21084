package dev.jvisor.shim.task;

import com.google.protobuf.Empty;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import dev.jvisor.shim.events.EventPublisher;
import dev.jvisor.shim.proto.task.CloseIORequest;
import dev.jvisor.shim.proto.task.ConnectRequest;
import dev.jvisor.shim.proto.task.ConnectResponse;
import dev.jvisor.shim.proto.task.CreateTaskRequest;
import dev.jvisor.shim.proto.task.DeleteRequest;
import dev.jvisor.shim.proto.task.ExecProcessRequest;
import dev.jvisor.shim.proto.task.KillRequest;
import dev.jvisor.shim.proto.task.PauseRequest;
import dev.jvisor.shim.proto.task.PidsRequest;
import dev.jvisor.shim.proto.task.ResizePtyRequest;
import dev.jvisor.shim.proto.task.ResumeRequest;
import dev.jvisor.shim.proto.task.ShutdownRequest;
import dev.jvisor.shim.proto.task.StartRequest;
import dev.jvisor.shim.proto.task.StateRequest;
import dev.jvisor.shim.proto.task.StatsRequest;
import dev.jvisor.shim.proto.task.UpdateTaskRequest;
import dev.jvisor.shim.proto.task.WaitRequest;
import dev.jvisor.shim.ttrpc.CallContext;
import dev.jvisor.shim.ttrpc.Code;
import dev.jvisor.shim.ttrpc.TtrpcException;
import dev.jvisor.shim.ttrpc.TtrpcService;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * {@code containerd.task.v2.Task} over ttrpc: decodes each request, hands it to {@link Tasks}, encodes the answer.
 * Methods jvisor cannot honour yet (Checkpoint) answer Unimplemented, never a fake.
 */
public final class TaskService implements TtrpcService {
  public static final String NAME = "containerd.task.v2.Task";
  /** containerd 2.x speaks v3 with identical messages. */
  public static final String NAME_V3 = "containerd.task.v3.Task";
  static final Set<String> UNIMPLEMENTED = Set.of("Checkpoint");
  private static final Logger LOG = Logger.getLogger(TaskService.class.getName());

  @FunctionalInterface
  interface Handler {
    Message handle(byte[] payload) throws InvalidProtocolBufferException;
  }

  private final String name;
  private final Tasks tasks;
  private final Map<String, Handler> methods = new HashMap<>();

  public TaskService(String name, Tasks tasks) {
    this.name = name;
    this.tasks = tasks;
    methods.put("Create", p -> tasks.create(CreateTaskRequest.parseFrom(p)));
    methods.put("Start", p -> tasks.start(StartRequest.parseFrom(p)));
    methods.put("State", p -> tasks.state(StateRequest.parseFrom(p)));
    methods.put("Wait", p -> tasks.await(WaitRequest.parseFrom(p)));
    methods.put("Kill", p -> tasks.kill(KillRequest.parseFrom(p)));
    methods.put("Exec", p -> tasks.exec(ExecProcessRequest.parseFrom(p)));
    methods.put("Delete", p -> tasks.delete(DeleteRequest.parseFrom(p)));
    methods.put("Pids", p -> tasks.pids(PidsRequest.parseFrom(p)));
    methods.put("ResizePty", p -> tasks.resizePty(ResizePtyRequest.parseFrom(p)));
    methods.put("CloseIO", p -> tasks.closeIo(CloseIORequest.parseFrom(p)));
    methods.put("Connect", p -> tasks.connect(ConnectRequest.parseFrom(p)));
    methods.put("Pause", p -> tasks.pause(PauseRequest.parseFrom(p)));
    methods.put("Resume", p -> tasks.resume(ResumeRequest.parseFrom(p)));
    methods.put("Stats", p -> tasks.stats(StatsRequest.parseFrom(p)));
    methods.put("Update", p -> tasks.update(UpdateTaskRequest.parseFrom(p)));
    methods.put("Shutdown", p -> tasks.shutdown(ShutdownRequest.parseFrom(p)));
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte[] call(String method, byte[] payload, CallContext context) {
    Handler h = methods.get(method);
    if (h == null) {
      String what = UNIMPLEMENTED.contains(method) ? method + " is not implemented by jvisor yet"
          : "method " + Container.abbreviate(method) + " is unknown";
      throw new TtrpcException(Code.UNIMPLEMENTED, what);
    }
    try {
      LOG.fine(() -> "task: " + method);
      return h.handle(payload).toByteArray();
    } catch (InvalidProtocolBufferException e) {
      throw TtrpcException.invalid(method + ": undecodable request: " + e.getMessage());
    }
  }

  static Timestamp timestamp(Instant t) {
    Instant at = t == null ? Instant.EPOCH : t;
    return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
  }

  static Empty empty() {
    return Empty.getDefaultInstance();
  }

  /** For a publisher-less setup (the delete command): drops events. */
  public static final EventPublisher NO_EVENTS = (topic, event) -> { };
}
