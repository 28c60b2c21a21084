package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.pipe.Pipe;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;

/** pipe(2) and pipe2(2). */
final class PipeSyscalls {
  private PipeSyscalls() {}

  static void register(SyscallTable t) {
    t.full("pipe", "p", (k, fds, a, b, c, d, e) -> pipe(k, fds, 0));
    t.full("pipe2", "px", (k, fds, flags, a, b, c, d) -> pipe(k, fds, flags));
  }

  private static long pipe(Task k, long fds, long flags) throws ErrnoException {
    if ((flags & ~(FileDescription.O_CLOEXEC | FileDescription.O_NONBLOCK | 040000 /* O_DIRECT */)) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    int status = (int) flags & FileDescription.O_NONBLOCK;
    boolean cloexec = (flags & FileDescription.O_CLOEXEC) != 0;
    Pipe p = new Pipe();
    FileDescription r = p.readEnd(status);
    FileDescription w = p.writeEnd(status);
    int rfd = (int) FileSyscalls.install(k, r, 0, cloexec);
    int wfd;
    try {
      wfd = (int) FileSyscalls.install(k, w, 0, cloexec);
    } catch (ErrnoException e) {
      k.fds().close(rfd);
      throw e;
    }
    byte[] out = new byte[8];
    java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(rfd).putInt(wfd);
    if (k.mm().copyOut(fds, out, 0, 8) < 0) {
      k.fds().close(rfd);
      k.fds().close(wfd);
      throw new ErrnoException(Errno.EFAULT);
    }
    return 0;
  }
}
