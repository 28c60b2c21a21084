package dev.jvisor.sentry.fs.anon;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.kernel.ThreadGroup;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;

/**
 * pidfd_open(2): a descriptor that names one process for its whole life, so a signal sent through it can never
 * reach a process that reused the PID. It polls readable once the process has exited; read(2) is EINVAL.
 */
public final class PidFd extends FileDescription {
  private final ThreadGroup process;

  public PidFd(ThreadGroup process, int flags) {
    super(2 | (flags & O_NONBLOCK));
    this.process = process;
  }

  public ThreadGroup process() {
    return process;
  }

  @Override
  public String path() {
    return "anon_inode:[pidfd]";
  }

  @Override
  public Stat stat() {
    return Stat.synthetic(9, NodeType.REGULAR, 0600, 0, 0);
  }

  @Override
  public boolean isStream() {
    return true;
  }

  @Override
  public long read(MemoryManager mm, long va, long len) {
    return -Errno.EINVAL;
  }

  @Override
  public long write(MemoryManager mm, long va, long len) {
    return -Errno.EINVAL;
  }

  @Override
  public int readiness() {
    return process.exited() ? 1 : 0;
  }
}
