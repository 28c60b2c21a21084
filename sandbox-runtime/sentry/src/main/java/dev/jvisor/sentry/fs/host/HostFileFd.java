package dev.jvisor.sentry.fs.host;

import dev.jvisor.host.LibC;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.mm.Vma;
import dev.jvisor.sentry.vfs.DirEntry;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.GuestIo;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.Stat;
import java.util.List;

/** A host file opened read-only inside the sandbox root; reads go straight into guest memory with pread. */
public final class HostFileFd extends FileDescription implements Vma.Backing {
  private final HostNode node;
  private final int fd;
  private volatile Object pageCacheKey;

  HostFileFd(HostNode node, int fd, int flags) {
    super(flags);
    this.node = node;
    this.fd = fd;
  }

  @Override
  public String path() {
    return "/" + node.rel();
  }

  @Override
  public Node node() {
    return node;
  }

  @Override
  public Stat stat() throws ErrnoException {
    return HostRoot.fstat(fd);
  }

  @Override
  public long pread(MemoryManager mm, long va, long len, long off) {
    if (!readable()) {
      return -dev.jvisor.host.Errno.EBADF;
    }
    return GuestIo.transfer(mm, va, len, off, true, (h, n, o) -> LibC.orNegErrno(LibC.pread(fd, h, n, o)));
  }

  @Override
  public long readBytes(byte[] dst, int len, long off) {
    if (!readable()) {
      return -dev.jvisor.host.Errno.EBADF;
    }
    long at = off < 0 ? offset : off;
    int n = Math.min(len, dst.length);
    long buf = LibC.allocate(Math.max(1, n));
    try {
      long r = LibC.orNegErrno(LibC.pread(fd, buf, n, at));
      if (r > 0) {
        LibC.copyOut(buf, dst, 0, (int) r);
        if (off < 0) {
          offset = at + r;
        }
      }
      return r;
    } finally {
      LibC.free(buf);
    }
  }

  @Override
  public List<DirEntry> entries() throws ErrnoException {
    return node.list();
  }

  @Override
  public Vma.Backing mmapBacking() {
    if (pageCacheKey == null) {
      try {
        Stat st = stat();
        pageCacheKey = new FileVersion(st.dev(), st.ino(), st.size(), st.mtimeNs(), st.ctimeNs());
      } catch (ErrnoException e) {
        pageCacheKey = null; // not cached: every mapping reads its own pages
      }
    }
    incRef(); // the mapping keeps the file open
    return this;
  }

  /** A host file's identity and version: the page cache key (the sandbox never writes host files). */
  private record FileVersion(long dev, long ino, long size, long mtimeNs, long ctimeNs) {}

  @Override
  public Object pageCacheKey() {
    return pageCacheKey;
  }

  @Override
  public int readInto(long offset, long hostAddress, int len) {
    long n = LibC.pread(fd, hostAddress, len, offset);
    return n < 0 ? 0 : (int) n;
  }

  @Override
  public String describe() {
    return path();
  }

  @Override
  public long inode() {
    try {
      return stat().ino();
    } catch (ErrnoException e) {
      return 0;
    }
  }

  @Override
  protected void release() {
    LibC.close(fd);
  }
}
