package dev.jvisor.shim.ttrpc;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

/**
 * A ttrpc server on a unix socket (the JDK's own UNIX-family channels; no native code). One reader thread per
 * connection, calls on a shared bounded pool: Wait calls block a pool thread each for a task's lifetime.
 */
public final class TtrpcServer implements AutoCloseable {
  /** Upper bound on concurrently running calls across all connections. */
  static final int MAX_CALL_THREADS = 512;
  static final Duration IDLE_THREAD_KEEPALIVE = Duration.ofSeconds(30);
  /** containerd opens a handful per shim; beyond this a connection is closed at once (one reader thread each). */
  static final int MAX_CONNECTIONS = 256;
  private static final Logger LOG = Logger.getLogger(TtrpcServer.class.getName());

  private final Map<String, TtrpcService> services = new HashMap<>();
  private final ThreadPoolExecutor executor;
  private final AtomicInteger threadSeq = new AtomicInteger();
  private final AtomicInteger connections = new AtomicInteger();
  private ServerSocketChannel server;
  private Path socketPath;
  private volatile boolean closed;

  public TtrpcServer(List<TtrpcService> serviceList) {
    for (TtrpcService s : serviceList) {
      services.put(s.name(), s);
    }
    executor = new ThreadPoolExecutor(0, MAX_CALL_THREADS, IDLE_THREAD_KEEPALIVE.toSeconds(), TimeUnit.SECONDS,
        new SynchronousQueue<>(), r -> daemon(r, "ttrpc-call-" + threadSeq.incrementAndGet()));
  }

  /** Binds {@code path} (mode 0600, parent created) and starts accepting on a background thread. */
  public void bind(Path path) throws IOException {
    Files.createDirectories(path.getParent());
    Files.deleteIfExists(path);
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(path));
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
    socketPath = path;
    daemon(this::acceptLoop, "ttrpc-accept").start();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        SocketChannel ch = server.accept();
        if (connections.get() >= MAX_CONNECTIONS) {
          LOG.warning("ttrpc: " + MAX_CONNECTIONS + " connections open, refusing another");
          ch.close();
          continue;
        }
        serve(ch);
      } catch (IOException e) {
        if (!closed) {
          LOG.warning("ttrpc: accept failed: " + e);
        }
        return;
      }
    }
  }

  /** Serves one already-open duplex channel on its own thread (used by accept, and by tests over pipes). */
  public Thread serve(ByteChannel channel) {
    return serve(channel, channel);
  }

  public Thread serve(java.nio.channels.ReadableByteChannel in, java.nio.channels.WritableByteChannel out) {
    Connection c = new Connection(in, out, services, executor);
    connections.incrementAndGet();
    Thread t = daemon(() -> {
      try {
        c.run();
      } finally {
        connections.decrementAndGet();
      }
    }, "ttrpc-conn-" + threadSeq.incrementAndGet());
    t.start();
    return t;
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void close() {
    closed = true;
    try {
      if (server != null) {
        server.close();
      }
      if (socketPath != null) {
        Files.deleteIfExists(socketPath);
      }
    } catch (IOException e) {
      LOG.warning("ttrpc: close: " + e);
    }
    executor.shutdownNow();
  }
}
