package dev.jvisor.shim.task;

import dev.jvisor.shim.proto.task.Status;

/** The life of a task process as containerd sees it (no PAUSED: Pause is unimplemented). */
public enum TaskState {
  CREATED(Status.CREATED),
  RUNNING(Status.RUNNING),
  STOPPED(Status.STOPPED);

  private final Status wire;

  TaskState(Status wire) {
    this.wire = wire;
  }

  public Status wire() {
    return wire;
  }
}
