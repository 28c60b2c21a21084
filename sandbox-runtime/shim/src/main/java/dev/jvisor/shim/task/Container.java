package dev.jvisor.shim.task;

import dev.jvisor.sentry.Sandbox;
import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One containerd task: its bundle, its init process and execs, and the Sentry sandbox that runs them (none for the
 * pod's pause container, which only has to exist).
 */
final class Container {
  /** containerd allows more, but ids are path components and log fields: keep them short and plain. */
  static final int MAX_ID_CHARS = 256;
  static final int MAX_EXECS = 1024;

  final String id;
  final Bundle bundle;
  final boolean podSandbox;
  final TaskProcess init;
  final Sandbox sandbox;
  /** The rootfs we mounted (and must unmount at Delete), or null. */
  final Path mountedRoot;
  /** "/" of this container's processes (its rootfs; in a shared pod Sentry, one mount namespace of several). */
  final Path root;
  /** The pod whose shared Sentry this container uses, or null when the sandbox is its own. */
  final String sharedPod;
  private final Map<String, TaskProcess> execs = new ConcurrentHashMap<>();
  /** Pause froze its processes; State reports a running init as PAUSED. Guarded by this. */
  private boolean paused;
  /** Its processes the Sentry's OOM killer ended (Stats' memory_events.oom_kill). */
  final java.util.concurrent.atomic.AtomicLong oomKills = new java.util.concurrent.atomic.AtomicLong();

  synchronized boolean paused() {
    return paused;
  }

  synchronized void setPaused(boolean p) {
    paused = p;
  }

  Container(String id, Bundle bundle, boolean podSandbox, TaskProcess init, Sandbox sandbox, Path mountedRoot,
      Path root, String sharedPod) {
    this.root = root;
    this.sharedPod = sharedPod;
    this.id = id;
    this.bundle = bundle;
    this.podSandbox = podSandbox;
    this.init = init;
    this.sandbox = sandbox;
    this.mountedRoot = mountedRoot;
  }

  static String checkId(String what, String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS || !id.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) {
      throw TtrpcException.invalid(what + " '" + abbreviate(id) + "' must be 1-" + MAX_ID_CHARS
          + " characters of [A-Za-z0-9_.-]");
    }
    return id;
  }

  static String abbreviate(String s) {
    return s == null ? "null" : s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }

  /** The init process for "" or the named exec; NotFound otherwise. */
  TaskProcess process(String execId) {
    if (execId == null || execId.isEmpty()) {
      return init;
    }
    TaskProcess p = execs.get(execId);
    if (p == null) {
      throw TtrpcException.notFound("exec " + abbreviate(execId) + " not found in container " + id);
    }
    return p;
  }

  void addExec(TaskProcess p) {
    if (execs.size() >= MAX_EXECS) {
      throw new TtrpcException(dev.jvisor.shim.ttrpc.Code.RESOURCE_EXHAUSTED, "container " + id + " has "
          + MAX_EXECS + " execs already");
    }
    if (execs.putIfAbsent(p.execId, p) != null) {
      throw new TtrpcException(dev.jvisor.shim.ttrpc.Code.ALREADY_EXISTS, "exec " + p.execId + " already exists");
    }
  }

  void removeExec(String execId) {
    execs.remove(execId);
  }

  Collection<TaskProcess> execs() {
    return List.copyOf(execs.values());
  }
}
