package dev.jvisor.shim.events;

import com.google.protobuf.Message;

/** Where task events go. Publishing never blocks the caller and never throws. */
public interface EventPublisher extends AutoCloseable {
  String TASK_CREATE = "/tasks/create";
  String TASK_START = "/tasks/start";
  String TASK_EXIT = "/tasks/exit";
  String TASK_DELETE = "/tasks/delete";
  String TASK_EXEC_ADDED = "/tasks/exec-added";
  String TASK_EXEC_STARTED = "/tasks/exec-started";
  String TASK_OOM = "/tasks/oom";
  String TASK_PAUSED = "/tasks/paused";
  String TASK_RESUMED = "/tasks/resumed";

  void publish(String topic, Message event);

  @Override
  default void close() {}
}
