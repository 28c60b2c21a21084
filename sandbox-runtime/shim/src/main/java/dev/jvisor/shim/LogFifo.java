package dev.jvisor.shim;

import dev.jvisor.host.LibC;
import java.nio.file.Files;
import java.nio.file.Path;

/** containerd's {@code <bundle>/log} fifo: writable without blocking only while containerd reads it. */
final class LogFifo {
  private LogFifo() {}

  /** A non-blocking write-open succeeds only if a reader exists (else ENXIO); a regular file always qualifies. */
  static boolean hasReader(Path fifo) {
    if (!Files.exists(fifo)) {
      return false;
    }
    int fd = LibC.open(fifo.toString(), LibC.O_WRONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      return false;
    }
    LibC.close(fd);
    return true;
  }
}
