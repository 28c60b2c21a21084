package dev.jvisor.sentry.fs.tty;

import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.Stat;

/** An open guest descriptor of a terminal's slave: reads, writes, poll and ioctl go to its {@link Pty}. */
public final class SlaveFd extends FileDescription {
  private final Pty pty;
  private final String path;
  private final Devpts.PtsNode node;

  SlaveFd(Pty pty, int flags, String path) {
    super(flags);
    this.pty = pty;
    this.path = path;
    this.node = new Devpts.PtsNode(pty);
  }

  public Pty pty() {
    return pty;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public Node node() {
    return node;
  }

  @Override
  public Stat stat() {
    return node.stat();
  }

  @Override
  public boolean isStream() {
    return true;
  }

  @Override
  public long read(MemoryManager mm, long va, long len) {
    return pty.slaveRead(mm, va, len, (flags & O_NONBLOCK) != 0);
  }

  @Override
  public long write(MemoryManager mm, long va, long len) {
    return pty.slaveWrite(mm, va, len, (flags & O_NONBLOCK) != 0);
  }

  @Override
  public int readiness() {
    return pty.slaveReadiness();
  }

  @Override
  public long ioctl(MemoryManager mm, int request, long arg) {
    return pty.ioctl(mm, request, arg);
  }

  @Override
  protected void release() {
    pty.slaveClosed();
  }
}
