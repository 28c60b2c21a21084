package dev.jvisor.shim.task;

import dev.jvisor.sentry.Sandbox;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Sentry per pod for the containers that join the pod's PID namespace (CRI gives them a pid namespace with a
 * path: {@code shareProcessNamespace}): the first one boots it over its own root, the others start their processes
 * in it under their roots ({@link Sandbox#start(dev.jvisor.sentry.ProcessSpec, dev.jvisor.sentry.Stdio,
 * java.nio.file.Path)}), and the last one out closes it. Containers with a private PID namespace keep a Sentry of
 * their own, so they never see another container's processes.
 */
final class PodSentries {
  private static final Logger LOG = Logger.getLogger(PodSentries.class.getName());

  private record Shared(Sandbox sandbox, int users) {}

  private final Map<String, Shared> byPod = new HashMap<>();

  /** The pod's shared Sentry, booted with {@code boot} if this is its first container. */
  synchronized Sandbox acquire(String podId, Supplier<Sandbox> boot) {
    Shared s = byPod.get(podId);
    if (s == null) {
      s = new Shared(boot.get(), 0);
      LOG.info("pod " + podId + ": one Sentry for the containers sharing its PID namespace");
    }
    byPod.put(podId, new Shared(s.sandbox(), s.users() + 1));
    return s.sandbox();
  }

  /** Drops one container's use; closes the Sentry when none is left. */
  synchronized void release(String podId) {
    Shared s = byPod.get(podId);
    if (s == null) {
      return;
    }
    if (s.users() > 1) {
      byPod.put(podId, new Shared(s.sandbox(), s.users() - 1));
      return;
    }
    byPod.remove(podId);
    try {
      s.sandbox().close();
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "closing the Sentry of pod " + podId + " failed", e);
    }
  }
}
