package dev.jvisor.nodeagent.host;

import dev.jvisor.nodeagent.AgentException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The exclusive lock every host change runs under: {@code <host-root>/run/jvisor/install.lock}. Java's
 * {@link FileChannel#tryLock()} is a POSIX record lock (fcntl), held by this process and released by the kernel if
 * the process dies, so a killed agent never leaves the node locked. Waiting for it is bounded (lesson 12).
 */
public final class HostLock implements AutoCloseable {
  /** Host path of the lock file. */
  public static final String LOCK_FILE = "/run/jvisor/install.lock";
  /** Longer than one install (seconds) plus a containerd restart; short enough to report a stuck peer. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration POLL = Duration.ofMillis(200);

  private final FileChannel channel;
  private final FileLock lock;

  private HostLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static HostLock acquire(Path lockFile, Duration timeout) {
    try {
      Files.createDirectories(lockFile.getParent());
      FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        FileLock lock;
        try {
          lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
          lock = null; // held by another thread of this JVM (fcntl locks are per process)
        }
        if (lock != null) {
          return new HostLock(channel, lock);
        }
        if (System.nanoTime() > deadline) {
          channel.close();
          throw new AgentException("another jvisor node-agent holds " + lockFile + " for more than " + timeout
              + "; find it with 'fuser " + lockFile + "' (the lock goes away when that process ends)");
        }
        Thread.sleep(POLL.toMillis());
      }
    } catch (IOException e) {
      throw new AgentException("cannot open lock file " + lockFile + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AgentException("interrupted while waiting for " + lockFile, e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // Closing the channel releases the lock in any case; nothing is lost.
    }
  }
}
