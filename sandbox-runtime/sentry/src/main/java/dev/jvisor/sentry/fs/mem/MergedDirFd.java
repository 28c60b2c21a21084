package dev.jvisor.sentry.fs.mem;

import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.Stat;
import java.util.List;

/** An open directory of any filesystem whose listing comes from its {@link Node}. */
public final class MergedDirFd extends FileDescription {
  private final Node node;
  private final String path;

  public MergedDirFd(Node node, int flags, String path) {
    super(flags);
    this.node = node;
    this.path = path;
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
  public Stat stat() throws ErrnoException {
    return node.stat();
  }

  @Override
  public List<DirEntry> entries() throws ErrnoException {
    return node.list();
  }

  @Override
  public long pread(dev.jvisor.sentry.mm.MemoryManager mm, long va, long len, long off) {
    return -dev.jvisor.host.Errno.EISDIR;
  }
}
