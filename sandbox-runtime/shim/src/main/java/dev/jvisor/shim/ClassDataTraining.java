package dev.jvisor.shim;

import com.google.protobuf.Message;
import dev.jvisor.shim.events.EventPublisher;
import dev.jvisor.shim.proto.events.TaskStart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Marks a training daemon's class-data cache as worth keeping. The launcher gives the first pod daemon on a node
 * {@code -Djvisor.classDataTraining=<cache file it will write>}; every later pod maps that cache, so one trained by a
 * daemon that never ran a container (a pod that failed, a bare start/delete) would leave the Sentry's classes out
 * for good. This publisher watches the events: once an app container's init has started (a TaskStart whose pid is
 * not the shim's own, which the pause container reports), it writes {@code <cache>.useful}, and the launcher
 * moves only such a cache into place (a useless one is deleted, and the next daemon trains again).
 */
final class ClassDataTraining implements EventPublisher {
  static final String PROPERTY = "jvisor.classDataTraining";
  private static final Logger LOG = Logger.getLogger(ClassDataTraining.class.getName());
  private final EventPublisher events;
  private final Path marker;
  private final long shimPid = ProcessHandle.current().pid();
  private volatile boolean marked;

  private ClassDataTraining(EventPublisher events, Path marker) {
    this.events = events;
    this.marker = marker;
  }

  /** {@code events} itself unless this daemon trains a cache. */
  static EventPublisher watch(EventPublisher events) {
    String cache = System.getProperty(PROPERTY, "");
    return cache.isEmpty() ? events : new ClassDataTraining(events, Path.of(cache + ".useful"));
  }

  @Override
  public void publish(String topic, Message event) {
    events.publish(topic, event);
    if (!marked && TASK_START.equals(topic) && event instanceof TaskStart s && s.getPid() != shimPid) {
      marked = true;
      try {
        Files.writeString(marker, "an app container ran\n");
      } catch (IOException e) {
        LOG.fine(() -> "class-data training marker " + marker + ": " + e);
      }
    }
  }

  @Override
  public void close() {
    events.close();
  }
}
