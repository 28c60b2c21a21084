package dev.jvisor.sentry.vfs;

import dev.jvisor.host.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** A process's file descriptors: number -> open file plus the close-on-exec bit. Bounded by RLIMIT_NOFILE. */
public final class FdTable {
  private record Slot(FileDescription file, boolean cloexec) {}

  private final TreeMap<Integer, Slot> fds = new TreeMap<>();
  private int limit = 1024;
  private int users = 1;

  /** Another task shares this table (CLONE_FILES). */
  public synchronized void retain() {
    users++;
  }

  /** A sharing task is gone; the last one closes every file. */
  public void release() {
    boolean last;
    synchronized (this) {
      last = --users == 0;
    }
    if (last) {
      closeAll();
    }
  }

  public synchronized int limit() {
    return limit;
  }

  public synchronized void setLimit(int l) {
    limit = l;
  }

  /** Installs {@code f} at the lowest free number >= {@code min}; the table takes the caller's reference. */
  public synchronized int install(FileDescription f, int min, boolean cloexec) throws ErrnoException {
    int fd = min;
    for (Integer used : fds.tailMap(min).keySet()) {
      if (used != fd) {
        break;
      }
      fd++;
    }
    if (fd >= limit) {
      throw new ErrnoException(Errno.EMFILE);
    }
    fds.put(fd, new Slot(f, cloexec));
    return fd;
  }

  /** dup2/dup3: puts {@code f} at exactly {@code fd}, closing what was there. */
  public synchronized void installAt(int fd, FileDescription f, boolean cloexec) throws ErrnoException {
    if (fd < 0 || fd >= limit) {
      throw new ErrnoException(Errno.EBADF);
    }
    Slot old = fds.put(fd, new Slot(f, cloexec));
    if (old != null) {
      old.file.decRef();
    }
  }

  public synchronized FileDescription get(int fd) throws ErrnoException {
    Slot s = fds.get(fd);
    if (s == null) {
      throw new ErrnoException(Errno.EBADF);
    }
    return s.file;
  }

  public synchronized boolean cloexec(int fd) throws ErrnoException {
    Slot s = fds.get(fd);
    if (s == null) {
      throw new ErrnoException(Errno.EBADF);
    }
    return s.cloexec;
  }

  public synchronized void setCloexec(int fd, boolean on) throws ErrnoException {
    Slot s = fds.get(fd);
    if (s == null) {
      throw new ErrnoException(Errno.EBADF);
    }
    fds.put(fd, new Slot(s.file, on));
  }

  public synchronized void close(int fd) throws ErrnoException {
    Slot s = fds.remove(fd);
    if (s == null) {
      throw new ErrnoException(Errno.EBADF);
    }
    s.file.decRef();
  }

  public synchronized List<Integer> numbers() {
    return new ArrayList<>(fds.keySet());
  }

  /** A copy for fork: every file gains a reference. */
  public synchronized FdTable fork() {
    FdTable t = new FdTable();
    t.limit = limit;
    for (var e : fds.entrySet()) {
      e.getValue().file.incRef();
      t.fds.put(e.getKey(), e.getValue());
    }
    return t;
  }

  public synchronized void closeOnExec() {
    // Numbers first: TreeMap.remove may move a successor's key and value into the removed entry's node, so entry
    // objects copied out of entrySet() can change under a removal (an fd closed twice and another left open).
    for (Integer fd : new ArrayList<>(fds.keySet())) {
      Slot s = fds.get(fd);
      if (s.cloexec) {
        fds.remove(fd);
        s.file.decRef();
      }
    }
  }

  public synchronized void closeAll() {
    for (Slot s : fds.values()) {
      s.file.decRef();
    }
    fds.clear();
  }
}
