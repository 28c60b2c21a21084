package dev.jvisor.sentry.vfs;

import dev.jvisor.host.Errno;
import java.util.List;

/**
 * An inode: something a path names. Directory operations default to ENOTDIR, mutations to EROFS, so each
 * filesystem implements only what it supports.
 */
public abstract class Node {
  public abstract Stat stat() throws ErrnoException;

  public NodeType type() throws ErrnoException {
    return stat().type();
  }

  /** Opens this node; {@code flags} are the guest's O_* flags. */
  public abstract FileDescription open(int flags) throws ErrnoException;

  /** The child called {@code name} ("." and ".." are handled by the Vfs), or ENOENT. */
  public Node lookup(String name) throws ErrnoException {
    throw new ErrnoException(Errno.ENOTDIR);
  }

  public List<DirEntry> list() throws ErrnoException {
    throw new ErrnoException(Errno.ENOTDIR);
  }

  public String readlink() throws ErrnoException {
    throw new ErrnoException(Errno.EINVAL);
  }

  public Node create(String name, int mode) throws ErrnoException {
    throw new ErrnoException(type() == NodeType.DIRECTORY ? Errno.EROFS : Errno.ENOTDIR);
  }

  public Node mkdir(String name, int mode) throws ErrnoException {
    throw new ErrnoException(type() == NodeType.DIRECTORY ? Errno.EROFS : Errno.ENOTDIR);
  }

  public Node symlink(String name, String target) throws ErrnoException {
    throw new ErrnoException(type() == NodeType.DIRECTORY ? Errno.EROFS : Errno.ENOTDIR);
  }

  /** bind(2) of a Unix socket to a path: a socket inode named {@code name} (EROFS where nothing is writable). */
  public Node mksock(String name, int mode) throws ErrnoException {
    throw new ErrnoException(type() == NodeType.DIRECTORY ? Errno.EROFS : Errno.ENOTDIR);
  }

  /** Removes {@code name}; {@code directory} selects rmdir semantics. */
  public void unlink(String name, boolean directory) throws ErrnoException {
    throw new ErrnoException(type() == NodeType.DIRECTORY ? Errno.EROFS : Errno.ENOTDIR);
  }

  /** Moves child {@code name} of this directory to {@code newName} in {@code newDir} (same filesystem). */
  public void rename(String name, Node newDir, String newName) throws ErrnoException {
    throw new ErrnoException(Errno.EXDEV);
  }

  public void chmod(int mode) throws ErrnoException {
    throw new ErrnoException(Errno.EROFS);
  }

  public void truncate(long size) throws ErrnoException {
    throw new ErrnoException(Errno.EROFS);
  }

  /** Sets access and modification times; {@link #OMIT} leaves one unchanged (utimensat's UTIME_OMIT). */
  public void setTimes(long atimeNs, long mtimeNs) throws ErrnoException {}

  public static final long OMIT = Long.MIN_VALUE;

  /** Changes owner and group; -1 leaves one unchanged. Read-only filesystems answer EROFS. */
  public void chown(int uid, int gid) throws ErrnoException {
    throw new ErrnoException(Errno.EROFS);
  }
}
