package dev.jvisor.sentry.fs.anon;

import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An epoll instance: the interest list (fd -> events, data). Readiness is computed from each file's
 * {@link FileDescription#readiness()} when waiting; EPOLLET reports a ready fd once until it stops being ready,
 * EPOLLONESHOT disarms it after one report.
 */
public final class EpollFd extends FileDescription {
  public static final int EPOLLIN = 1, EPOLLOUT = 4, EPOLLERR = 8, EPOLLHUP = 16, EPOLLONESHOT = 1 << 30,
      EPOLLET = 1 << 31;

  /** One registration. */
  public static final class Interest {
    public final FileDescription file;
    public int events;
    public long data;
    public boolean reported;
    public boolean disarmed;

    Interest(FileDescription file, int events, long data) {
      this.file = file;
      this.events = events;
      this.data = data;
    }
  }

  private final Map<Integer, Interest> interests = new LinkedHashMap<>();

  public EpollFd(int flags) {
    super(flags);
  }

  @Override
  public String path() {
    return "anon_inode:[eventpoll]";
  }

  @Override
  public Stat stat() {
    return Stat.synthetic(7, NodeType.REGULAR, 0600, 0, 0);
  }

  public synchronized Map<Integer, Interest> interests() {
    return interests;
  }

  public synchronized void add(int fd, FileDescription f, int events, long data) {
    interests.put(fd, new Interest(f, events, data));
  }
}
