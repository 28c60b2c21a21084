package dev.jvisor.shim.task;

import dev.jvisor.host.LibC;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Opens containerd's stdio fifos (or a {@code file://} log URI) as raw host fds for the Sentry. containerd starts
 * opening the read ends of stdout/stderr before Create or Exec, so a non-blocking O_WRONLY open normally succeeds at
 * once; until a reader is there it is retried (see {@link #READER_WAIT}), and only then does O_RDWR keep us from
 * blocking forever. stdin is opened O_RDONLY|O_NONBLOCK (a writer may come later). Both end up blocking, as a
 * program expects of its stdio.
 */
final class Fifos {
  /**
   * How long an output fifo's writer waits for its reader. containerd's read ends are opened in a goroutine
   * (containerd/fifo opens an O_NONBLOCK request in the background), which may not have reached open(2) when Start
   * comes. A writer that went ahead with O_RDWR then lost everything if the process ended before that reader came:
   * the fifo's buffer went with the last fd, and the reader's open waited for a writer forever, so ExecSync hung
   * until its deadline (ContainerdShimIT's first ExecSync once timed out so). runc's shim blocks in open(O_WRONLY)
   * until the reader is there; this waits likewise, bounded.
   */
  static final Duration READER_WAIT = Duration.ofSeconds(5);
  /** Between tries while waiting for a reader: short, since the reader is normally a goroutine away. */
  static final Duration READER_POLL = Duration.ofMillis(2);
  private static final Logger LOG = Logger.getLogger(Fifos.class.getName());

  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final int ENXIO = 6;
  static final int MAX_PATH = 4096;

  private Fifos() {}

  static int openStdin(String path) {
    if (path == null || path.isEmpty()) {
      return -1;
    }
    return blocking(check(path, LibC.open(valid(path), LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC
        | LibC.O_NOCTTY, 0)));
  }

  /** containerd's {@code --log-uri file:///path}: the shim appends the process's output to that file itself. */
  static final String FILE_URI = "file://";
  static final String BINARY_URI = "binary://";

  static int openOutput(String path) {
    if (path == null || path.isEmpty()) {
      return -1;
    }
    if (path.startsWith(FILE_URI)) {
      String file = java.net.URI.create(path).getPath();
      return check(path, LibC.open(valid(file), LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND | LibC.O_CLOEXEC,
          0640));
    }
    if (path.startsWith(BINARY_URI)) {
      throw TtrpcException.invalid("binary:// log URIs (a logging program per container) are not supported: "
          + path);
    }
    // O_APPEND: when the "fifo" is really a file (an inherited stdout reopened via /proc), never write at 0.
    // O_NOCTTY: a "fifo" may be a host pty's slave (the OCI CLI's --console-socket); never our terminal.
    int fd = openWriter(valid(path));
    if (fd == -1 && LibC.errno() == ENXIO) {
      LOG.warning("no reader opened " + path + " within " + READER_WAIT.toMillis() + " ms: writing to it "
          + "read-write (output is lost if the process ends before a reader comes)");
      fd = LibC.open(path, LibC.O_RDWR | LibC.O_APPEND | LibC.O_CLOEXEC, 0);
    }
    return blocking(check(path, fd));
  }

  /** O_WRONLY|O_NONBLOCK, retried while the fifo has no reader (ENXIO), for at most {@link #READER_WAIT}. */
  private static int openWriter(String path) {
    long deadline = System.nanoTime() + READER_WAIT.toNanos();
    while (true) {
      int fd = LibC.open(path, LibC.O_WRONLY | LibC.O_NONBLOCK | LibC.O_APPEND | LibC.O_CLOEXEC | LibC.O_NOCTTY,
          0);
      if (fd != -1 || LibC.errno() != ENXIO || System.nanoTime() >= deadline) {
        return fd;
      }
      try {
        Thread.sleep(READER_POLL.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return fd; // errno is still ENXIO: the caller falls back
      }
    }
  }

  /** A duplicate of one of this process's own fds (the OCI CLI's daemon passes its inherited stdio so). */
  static int inherited(int fd) {
    int dup = LibC.dup(fd);
    if (dup == -1) {
      throw TtrpcException.invalid("cannot duplicate inherited fd " + fd + ": errno " + LibC.errno());
    }
    return dup;
  }

  static void close(int... fds) {
    for (int fd : fds) {
      if (fd >= 0) {
        LibC.close(fd);
      }
    }
  }

  private static String valid(String path) {
    if (!path.startsWith("/") || path.length() > MAX_PATH || path.indexOf('\0') >= 0) {
      throw TtrpcException.invalid("stdio path must be absolute and shorter than " + MAX_PATH + ": " + path);
    }
    return path;
  }

  private static int check(String path, int fd) {
    if (fd == -1) {
      throw TtrpcException.invalid("cannot open stdio " + path + ": errno " + LibC.errno());
    }
    return fd;
  }

  private static int blocking(int fd) {
    int flags = LibC.fcntl(fd, F_GETFL, 0);
    if (flags != -1) {
      LibC.fcntl(fd, F_SETFL, flags & ~LibC.O_NONBLOCK);
    }
    return fd;
  }
}
