package dev.jvisor.sentry.fs.host;

import dev.jvisor.host.HostFiles;
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

/**
 * A host file opened inside a {@link HostRoot}; reads and writes go straight between guest memory and the host
 * fd (pread/pwrite). Writable only in a writable root, where the host fd was opened with the guest's access
 * mode and O_APPEND.
 */
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
  public long pwrite(MemoryManager mm, long va, long len, long off) {
    if (!writable()) {
      return -dev.jvisor.host.Errno.EBADF;
    }
    return GuestIo.transfer(mm, va, len, off, false, (h, n, o) -> LibC.orNegErrno(LibC.pwrite(fd, h, n, o)));
  }

  /**
   * An O_APPEND write is the host's own append (write(2) on the host fd, which has O_APPEND), so two writers
   * never overwrite each other; the file position then is where the host put it.
   */
  @Override
  public long write(MemoryManager mm, long va, long len) {
    if ((flags & O_APPEND) == 0) {
      return super.write(mm, va, len);
    }
    if (!writable()) {
      return -dev.jvisor.host.Errno.EBADF;
    }
    long n = GuestIo.transfer(mm, va, len, -1, false, (h, c, o) -> LibC.orNegErrno(LibC.write(fd, h, c)));
    if (n > 0) {
      offset = LibC.lseek(fd, 0, 1 /* SEEK_CUR */);
    }
    return n;
  }

  /** O_APPEND is also the host fd's, so fcntl(F_SETFL) changes both (O_NONBLOCK stays a guest-side flag). */
  @Override
  public void setStatusFlags(int f) {
    super.setStatusFlags(f);
    if (writable()) {
      int host = LibC.fcntl(fd, 3 /* F_GETFL */, 0);
      if (host >= 0) {
        LibC.fcntl(fd, 4 /* F_SETFL */, (host & ~LibC.O_APPEND) | (flags & O_APPEND));
      }
    }
  }

  @Override
  public long writeBytes(byte[] src, int len, long off) {
    if (!writable()) {
      return -dev.jvisor.host.Errno.EBADF;
    }
    int n = Math.min(len, src.length);
    long buf = LibC.allocate(Math.max(1, n));
    try {
      LibC.copyIn(buf, src, 0, n);
      boolean append = off < 0 && (flags & O_APPEND) != 0;
      long at = off < 0 ? offset : off;
      long done = 0;
      while (done < n) {
        long r = LibC.orNegErrno(append ? LibC.write(fd, buf + done, n - done)
            : LibC.pwrite(fd, buf + done, n - done, at + done));
        if (r <= 0) {
          if (done == 0) {
            return r;
          }
          break;
        }
        done += r;
      }
      if (off < 0) {
        offset = append ? LibC.lseek(fd, 0, 1 /* SEEK_CUR */) : at + done;
      }
      return done;
    } finally {
      LibC.free(buf);
    }
  }

  @Override
  public void truncate(long size) throws ErrnoException {
    if (!writable()) {
      throw new ErrnoException(dev.jvisor.host.Errno.EINVAL);
    }
    if (LibC.ftruncate(fd, size) != 0) {
      throw new ErrnoException(LibC.errno());
    }
  }

  // Attribute changes through an fd act on the fd's own file (it may have been renamed or replaced since it
  // was opened); a read-only root answers EROFS through the node.

  @Override
  public void chmod(int mode) throws ErrnoException {
    if (!node.root().writable()) {
      node.chmod(mode);
    } else if ((flags & O_PATH) != 0) {
      throw new ErrnoException(dev.jvisor.host.Errno.EBADF); // as Linux's fchmod of an O_PATH fd
    } else if (LibC.fchmod(fd, mode & 07777) != 0) {
      throw new ErrnoException(LibC.errno());
    }
  }

  @Override
  public void chown(int uid, int gid) throws ErrnoException {
    if (!node.root().writable()) {
      node.chown(uid, gid);
      return;
    }
    int r = HostFiles.fchown(fd, uid, gid);
    if (r < 0) {
      throw new ErrnoException(-r);
    }
  }

  @Override
  public void setTimes(long atimeNs, long mtimeNs) throws ErrnoException {
    if (!node.root().writable()) {
      node.setTimes(atimeNs, mtimeNs);
      return;
    }
    int r = HostFiles.futimens(fd, atimeNs == Node.OMIT ? HostFiles.OMIT : atimeNs,
        mtimeNs == Node.OMIT ? HostFiles.OMIT : mtimeNs);
    if (r < 0) {
      throw new ErrnoException(-r);
    }
  }

  @Override
  public long sync(boolean dataOnly) {
    return LibC.orNegErrno(dataOnly ? LibC.fdatasync(fd) : LibC.fsync(fd));
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

  /**
   * A private mapping's pages. Files of a writable root are not page-cached: the sandbox itself may change
   * them within one mtime tick at an unchanged size, which the cache key would not notice.
   */
  @Override
  public Vma.Backing mmapBacking() {
    if (pageCacheKey == null && !node.root().writable()) {
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

  /** A read-only host file's identity and version: the page cache key. */
  private record FileVersion(long dev, long ino, long size, long mtimeNs, long ctimeNs) {}

  /**
   * Mappings are private copies, so a MAP_SHARED mapping that could be written (PROT_WRITE, or an fd open for
   * writing that mprotect could make so) would lose its writes to a writable root's file: mmap refuses it.
   */
  @Override
  public boolean sharedWritesLost() {
    return node.root().writable();
  }

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
