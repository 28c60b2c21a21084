package dev.jvisor.sentry.fs.mem;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.mm.Vma;
import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.Stat;
import java.util.List;

/** An open tmpfs file or directory. */
final class MemFileFd extends FileDescription implements Vma.Backing {
  private final MemNode node;
  private String path = "?";

  MemFileFd(MemNode node, int flags) {
    super(flags);
    this.node = node;
  }

  /**
   * memfd_create(2): a new in-memory regular file that no directory names, open read-write. It lives as long
   * as a descriptor or mapping refers to it; /proc shows it as {@code /memfd:NAME (deleted)}.
   */
  static FileDescription memfd(String name) {
    MemFileFd f = new MemFileFd(new MemNode(dev.jvisor.sentry.vfs.NodeType.REGULAR, 0777), O_RDWR_FLAG);
    f.path = "/memfd:" + name + " (deleted)";
    return f;
  }

  private static final int O_RDWR_FLAG = 2; // O_RDWR

  void setPath(String p) {
    path = p;
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
  public long pread(MemoryManager mm, long va, long len, long off) {
    if (!readable()) {
      return -Errno.EBADF;
    }
    if (node.children != null) {
      return -Errno.EISDIR;
    }
    synchronized (node) {
      if (off >= node.size) {
        return 0;
      }
      int n = (int) Math.min(len, node.size - off);
      int r = mm.copyOut(va, node.data, (int) off, n);
      return r < 0 ? r : n;
    }
  }

  @Override
  public long pwrite(MemoryManager mm, long va, long len, long off) {
    if (!writable()) {
      return -Errno.EBADF;
    }
    synchronized (node) {
      try {
        node.ensureCapacity(off + len);
      } catch (ErrnoException e) {
        return -e.errno();
      }
      int r = mm.copyIn(va, node.data, (int) off, (int) len);
      if (r < 0) {
        return r;
      }
      node.size = Math.max(node.size, off + len);
      node.mtimeNs = System.currentTimeMillis() * 1_000_000L;
      return len;
    }
  }

  @Override
  public long readBytes(byte[] dst, int len, long off) {
    if (!readable()) {
      return -Errno.EBADF;
    }
    if (node.children != null) {
      return -Errno.EISDIR;
    }
    synchronized (node) {
      long at = off < 0 ? offset : off;
      if (at >= node.size) {
        return 0;
      }
      int n = (int) Math.min(Math.min(len, dst.length), node.size - at);
      System.arraycopy(node.data, (int) at, dst, 0, n);
      if (off < 0) {
        offset = at + n;
      }
      return n;
    }
  }

  @Override
  public long writeBytes(byte[] src, int len, long off) {
    if (!writable()) {
      return -Errno.EBADF;
    }
    synchronized (node) {
      long at = off >= 0 ? off : (flags & O_APPEND) != 0 ? node.size : offset;
      try {
        node.ensureCapacity(at + len);
      } catch (ErrnoException e) {
        return -e.errno();
      }
      System.arraycopy(src, 0, node.data, (int) at, len);
      node.size = Math.max(node.size, at + len);
      node.mtimeNs = System.currentTimeMillis() * 1_000_000L;
      if (off < 0) {
        offset = at + len;
      }
      return len;
    }
  }

  @Override
  public List<DirEntry> entries() throws ErrnoException {
    return node.list();
  }

  @Override
  public void truncate(long size) throws ErrnoException {
    node.truncate(size);
  }

  @Override
  public Vma.Backing mmapBacking() {
    return node.children == null ? this : null;
  }

  @Override
  public int readInto(long offset, long hostAddress, int len) {
    synchronized (node) {
      if (offset >= node.size) {
        return 0;
      }
      int n = (int) Math.min(len, node.size - offset);
      dev.jvisor.host.LibC.copyIn(hostAddress, node.data, (int) offset, n);
      return n;
    }
  }

  @Override
  public String describe() {
    return path;
  }

  @Override
  public long inode() {
    return node.ino;
  }
}
