package dev.jvisor.shim.ttrpc;

/** One ttrpc service (e.g. {@code containerd.task.v2.Task}): methods by name, protobuf payloads in and out. */
public interface TtrpcService {
  /** The fully qualified service name clients put in {@code Request.service}. */
  String name();

  /**
   * Serves one call. Throws {@link TtrpcException} for an error answer; {@code Unimplemented} for an unknown method.
   * May block (Wait does, for a task's whole life): each call runs on its own thread.
   */
  byte[] call(String method, byte[] payload, CallContext context);
}
