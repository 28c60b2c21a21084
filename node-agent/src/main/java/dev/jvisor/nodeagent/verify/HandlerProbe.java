package dev.jvisor.nodeagent.verify;

import java.util.Set;

/** What the container runtime reports about itself. */
public interface HandlerProbe extends AutoCloseable {
  /** Runtime handlers containerd serves now. @throws RuntimeException when it does not answer */
  Set<String> servedHandlers();

  /** containerd's version string, e.g. {@code 1.6.20~ds1}. @throws RuntimeException when it does not answer */
  String runtimeVersion();

  /** Number of pod sandboxes on the node that use {@code handler} (uninstall warns about them). */
  int sandboxesUsing(String handler);

  @Override
  void close();
}
