package dev.jvisor.shim.task;

import dev.jvisor.shim.proto.task.Status;

/** The life of a task process as containerd sees it (PAUSED is the container's: {@code Container.paused}). */
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
