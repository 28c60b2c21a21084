package dev.jvisor.shim;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import dev.jvisor.shim.proto.task.DeleteRequest;
import dev.jvisor.shim.proto.task.ExecProcessRequest;
import dev.jvisor.shim.proto.task.KillRequest;
import dev.jvisor.shim.proto.task.PidsRequest;
import dev.jvisor.shim.proto.task.PidsResponse;
import dev.jvisor.shim.proto.task.StartRequest;
import dev.jvisor.shim.proto.task.StartResponse;
import dev.jvisor.shim.proto.task.StateRequest;
import dev.jvisor.shim.proto.task.StateResponse;
import dev.jvisor.shim.proto.task.WaitRequest;
import dev.jvisor.shim.proto.task.WaitResponse;
import dev.jvisor.shim.task.TaskService;
import dev.jvisor.shim.ttrpc.CallContext;
import dev.jvisor.shim.ttrpc.TtrpcClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/** The Task service seen from the OCI CLI commands, over a container's private socket. */
public final class TaskClient implements AutoCloseable {
  /** Calls other than Wait answer at once; a slow one means a stuck daemon. */
  public static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  /** Wait lasts as long as the process: effectively unbounded, but never forever. */
  public static final Duration WAIT_TIMEOUT = Duration.ofDays(365);
  static final String EXEC_SPEC_TYPE = "types.containerd.io/opencontainers/runtime-spec/1/Process";

  private final TtrpcClient client;
  private final Map<String, String> md = Map.of(CallContext.NAMESPACE_KEY, OciDaemon.NAMESPACE);

  private TaskClient(TtrpcClient client) {
    this.client = client;
  }

  public static TaskClient connect(Path socket) throws IOException {
    return new TaskClient(TtrpcClient.connect(socket));
  }

  public StartResponse start(String id, String execId) throws IOException {
    return StartResponse.parseFrom(call("Start", StartRequest.newBuilder().setId(id).setExecId(execId).build()
        .toByteArray(), CALL_TIMEOUT));
  }

  public StateResponse state(String id) throws IOException {
    return StateResponse.parseFrom(call("State", StateRequest.newBuilder().setId(id).build().toByteArray(),
        CALL_TIMEOUT));
  }

  public void kill(String id, int signal, boolean all) throws IOException {
    call("Kill", KillRequest.newBuilder().setId(id).setSignal(signal).setAll(all).build().toByteArray(),
        CALL_TIMEOUT);
  }

  public PidsResponse pids(String id) throws IOException {
    return PidsResponse.parseFrom(call("Pids", PidsRequest.newBuilder().setId(id).build().toByteArray(),
        CALL_TIMEOUT));
  }

  /** Exec on a terminal whose slave is the host pty at {@code console} (the OCI CLI's --console-socket). */
  public void execOnTerminal(String id, String execId, byte[] processJson, String console) throws IOException {
    call("Exec", ExecProcessRequest.newBuilder().setId(id).setExecId(execId).setStdin(console).setStdout(console)
        .setTerminal(true).setSpec(Any.newBuilder().setTypeUrl(EXEC_SPEC_TYPE)
            .setValue(com.google.protobuf.ByteString.copyFrom(processJson))).build().toByteArray(), CALL_TIMEOUT);
  }

  /** Adds an exec whose stdio are the given paths and whose spec is OCI process JSON. */
  public void exec(String id, String execId, byte[] processJson, String stdin, String stdout, String stderr)
      throws IOException {
    call("Exec", ExecProcessRequest.newBuilder().setId(id).setExecId(execId).setStdin(stdin).setStdout(stdout)
        .setStderr(stderr).setSpec(Any.newBuilder().setTypeUrl(EXEC_SPEC_TYPE)
            .setValue(ByteString.copyFrom(processJson))).build().toByteArray(), CALL_TIMEOUT);
  }

  public WaitResponse await(String id, String execId) throws IOException {
    return WaitResponse.parseFrom(call("Wait", WaitRequest.newBuilder().setId(id).setExecId(execId).build()
        .toByteArray(), WAIT_TIMEOUT));
  }

  public void delete(String id, String execId) throws IOException {
    call("Delete", DeleteRequest.newBuilder().setId(id).setExecId(execId).build().toByteArray(), CALL_TIMEOUT);
  }

  private byte[] call(String method, byte[] payload, Duration timeout) throws IOException {
    return client.call(TaskService.NAME, method, payload, md, timeout);
  }

  @Override
  public void close() {
    client.close();
  }
}
