package dev.jvisor.sentry.fs.socket;

import java.util.HashMap;
import java.util.Map;

/**
 * One sandbox's Unix-socket names: the abstract namespace (sun_path[0] == 0, visible only inside this sandbox)
 * and the socket inodes bound in its filesystem (keyed by device and inode). It is also the monitor every socket
 * of the sandbox synchronizes and waits on: connections, peers and queues change together under one lock, and a
 * sandbox's sockets never meet another sandbox's.
 */
public final class UnixNamespace {
  private final Map<String, UnixSocket> abstractNames = new HashMap<>();
  private final Map<String, UnixSocket> paths = new HashMap<>();

  /** Binds {@code s} to abstract name {@code key}; false if taken (EADDRINUSE). */
  synchronized boolean bindAbstract(String key, UnixSocket s) {
    return abstractNames.putIfAbsent(key, s) == null;
  }

  synchronized void bindPath(String inode, UnixSocket s) {
    paths.put(inode, s);
  }

  public synchronized UnixSocket lookupAbstract(String key) {
    return abstractNames.get(key);
  }

  public synchronized UnixSocket lookupPath(String inode) {
    return paths.get(inode);
  }

  synchronized void unbind(UnixSocket s) {
    abstractNames.values().remove(s);
    paths.values().remove(s);
  }
}
