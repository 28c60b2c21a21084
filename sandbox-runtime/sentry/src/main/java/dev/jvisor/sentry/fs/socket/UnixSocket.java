package dev.jvisor.sentry.fs.socket;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.mm.MemoryManager;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One AF_UNIX socket (Linux net/unix/af_unix.c, same states and errors). Every field is guarded by the
 * sandbox's {@link UnixNamespace}, which is also what blocked callers wait on; an interrupt (a signal for the
 * task) ends a wait with EINTR, and the task restarts the call when SA_RESTART says so.
 */
public final class UnixSocket extends FileDescription {
  public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_RAW = 3, SOCK_SEQPACKET = 5;
  public static final int MSG_PEEK = 2, MSG_CTRUNC = 8, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_EOR = 0x80,
      MSG_WAITALL = 0x100, MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;
  /** sk_shutdown bits. */
  public static final int RCV_SHUTDOWN = 1, SEND_SHUTDOWN = 2;
  /** Linux's somaxconn: the largest listen backlog. */
  public static final int MAX_BACKLOG = 4096;
  /** Largest stream chunk copied under the lock at once. */
  private static final int CHUNK = 65536;
  static final byte[] UNNAMED = {1, 0};
  private static final AtomicLong INODES = new AtomicLong(70_000);

  private final UnixNamespace ns;
  private final int type;
  private final long ino = INODES.incrementAndGet();
  private final SocketQueue rx = new SocketQueue();
  /** The address this socket is bound to (a whole sockaddr_un as getsockname reports it), null if unbound. */
  private byte[] local;
  private UnixSocket peer;
  private boolean listening;
  private int backlog;
  private final ArrayDeque<UnixSocket> pending = new ArrayDeque<>();
  private int shutdown;
  private boolean closed;
  /** pid, uid, gid of the creator (socketpair, listen) and of the peer (SO_PEERCRED). */
  private int[] cred;
  private int[] peerCred;
  private int sndbuf = SocketQueue.CAPACITY;
  private int rcvbuf = SocketQueue.CAPACITY;
  private boolean passcred;

  public UnixSocket(UnixNamespace ns, int type, int flags, int[] cred) {
    super(2 | flags); // O_RDWR
    this.ns = ns;
    this.type = type;
    this.cred = cred;
  }

  /** socketpair(2): two connected sockets, each with the creator's credentials as its peer's. */
  public static UnixSocket[] pair(UnixNamespace ns, int type, int flags, int[] cred) {
    UnixSocket a = new UnixSocket(ns, type, flags, cred);
    UnixSocket b = new UnixSocket(ns, type, flags, cred);
    a.peer = b;
    b.peer = a;
    a.peerCred = cred;
    b.peerCred = cred;
    return new UnixSocket[] {a, b};
  }

  public int type() {
    return type;
  }

  public UnixNamespace namespace() {
    return ns;
  }

  private boolean nonblock(int msgFlags) {
    return (flags & O_NONBLOCK) != 0 || (msgFlags & MSG_DONTWAIT) != 0;
  }

  // ---- names -------------------------------------------------------------------------------------------------

  /** bind(2) to an abstract name ({@code addr}: the whole sockaddr_un as given). */
  public int bindAbstract(byte[] addr) {
    synchronized (ns) {
      if (local != null) {
        return -Errno.EINVAL;
      }
      String key = new String(addr, 2, addr.length - 2, java.nio.charset.StandardCharsets.ISO_8859_1);
      if (!ns.bindAbstract(key, this)) {
        return -Errno.EADDRINUSE;
      }
      local = addr;
      return 0;
    }
  }

  /** Whether bind(2) may still name this socket (checked before the socket inode is made). */
  public boolean bound() {
    synchronized (ns) {
      return local != null;
    }
  }

  /** bind(2) to a path whose socket inode ({@code inode}: device and inode number) the caller made. */
  public int bindPath(String inode, byte[] addr) {
    synchronized (ns) {
      if (local != null) {
        return -Errno.EINVAL;
      }
      ns.bindPath(inode, this);
      local = addr;
      return 0;
    }
  }

  public byte[] localAddress() {
    synchronized (ns) {
      return local == null ? UNNAMED : local;
    }
  }

  /** getpeername(2): the peer's address, or null (ENOTCONN). */
  public byte[] peerAddress() {
    synchronized (ns) {
      if (peer == null) {
        return null;
      }
      return peer.local == null ? UNNAMED : peer.local;
    }
  }

  // ---- connections -------------------------------------------------------------------------------------------

  public int listen(int n, int[] creator) {
    synchronized (ns) {
      if (type == SOCK_DGRAM) {
        return -Errno.EOPNOTSUPP;
      }
      if (local == null || peer != null) {
        return -Errno.EINVAL;
      }
      backlog = Math.max(0, Math.min(n, MAX_BACKLOG));
      listening = true;
      cred = creator;
      ns.notifyAll();
      return 0;
    }
  }

  /**
   * connect(2) to {@code target}: a stream or seqpacket socket joins the listener's queue at once (the server
   * side is made now, accept only hands it out); a datagram socket just records its default peer.
   */
  public int connect(UnixSocket target, int[] creator) {
    synchronized (ns) {
      if (target.type != type) {
        return -Errno.EPROTOTYPE;
      }
      if (type == SOCK_DGRAM) {
        if (target.closed) {
          return -Errno.ECONNREFUSED;
        }
        peer = target;
        return 0;
      }
      if (listening) {
        return -Errno.EINVAL;
      }
      if (peer != null) {
        return -Errno.EISCONN;
      }
      try {
        while (true) {
          if (target.closed || !target.listening) {
            return -Errno.ECONNREFUSED;
          }
          if (target.pending.size() <= target.backlog) {
            break;
          }
          if (nonblock(0)) {
            return -Errno.EAGAIN; // Linux's answer for a full Unix backlog, not EINPROGRESS
          }
          ns.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -Errno.EINTR;
      }
      UnixSocket server = new UnixSocket(ns, type, 0, target.cred);
      server.local = target.local;
      server.peer = this;
      server.peerCred = creator;
      peer = server;
      peerCred = target.cred;
      cred = creator;
      target.pending.add(server);
      ns.notifyAll();
      return 0;
    }
  }

  /** connect(2) with AF_UNSPEC on a datagram socket: no default peer any more. */
  public int disconnect() {
    synchronized (ns) {
      peer = null;
      ns.notifyAll();
      return 0;
    }
  }

  /** accept(2): the next connection (status flags {@code flags}), or -errno. */
  public Object accept(int flags) {
    synchronized (ns) {
      if (!listening) {
        return -Errno.EINVAL;
      }
      try {
        while (pending.isEmpty()) {
          if (closed) {
            return -Errno.EINVAL;
          }
          if (nonblock(0)) {
            return -Errno.EAGAIN;
          }
          ns.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return -Errno.EINTR;
      }
      UnixSocket s = pending.poll();
      s.flags = 2 | flags;
      ns.notifyAll(); // a connect waiting for backlog room
      return s;
    }
  }

  public int shutdown(int how) {
    if (how < 0 || how > 2) {
      return -Errno.EINVAL;
    }
    int mode = how + 1; // SHUT_RD -> RCV, SHUT_WR -> SEND, SHUT_RDWR -> both
    synchronized (ns) {
      shutdown |= mode;
      if (peer != null && type != SOCK_DGRAM) {
        peer.shutdown |= ((mode & RCV_SHUTDOWN) != 0 ? SEND_SHUTDOWN : 0)
            | ((mode & SEND_SHUTDOWN) != 0 ? RCV_SHUTDOWN : 0);
      }
      ns.notifyAll();
      return 0;
    }
  }

  // ---- data --------------------------------------------------------------------------------------------------

  /**
   * Sends {@code src}; {@code to} is sendto's explicit destination (null: the connected peer). {@code rights}
   * (SCM_RIGHTS, one reference each) are consumed whatever the outcome. Returns bytes sent or -errno; -EPIPE
   * means the caller raises SIGPIPE unless MSG_NOSIGNAL.
   */
  public long send(GuestBuffer src, int msgFlags, List<FileDescription> rights, UnixSocket to) {
    try {
      return type == SOCK_STREAM ? sendStream(src, msgFlags, rights, to) : sendMessage(src, msgFlags, rights, to);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -Errno.EINTR;
    } finally {
      if (rights != null && !rights.isEmpty()) {
        for (FileDescription f : rights) {
          f.decRef();
        }
        rights.clear();
      }
    }
  }

  private long sendStream(GuestBuffer src, int msgFlags, List<FileDescription> rights, UnixSocket to)
      throws InterruptedException {
    long len = src.length();
    long done = 0;
    synchronized (ns) {
      if (to != null) {
        return peer != null ? -Errno.EISCONN : -Errno.EOPNOTSUPP;
      }
      do {
        if ((shutdown & SEND_SHUTDOWN) != 0) {
          return done > 0 ? done : -Errno.EPIPE;
        }
        if (peer == null) {
          return done > 0 ? done : -Errno.ENOTCONN;
        }
        if (peer.closed || (peer.shutdown & RCV_SHUTDOWN) != 0) {
          return done > 0 ? done : -Errno.EPIPE;
        }
        int space = peer.rx.streamSpace();
        if (space == 0) {
          if (nonblock(msgFlags)) {
            return done > 0 ? done : -Errno.EAGAIN;
          }
          if (!awaitChange(done)) {
            return done;
          }
          continue;
        }
        int n = (int) Math.min(Math.min(len - done, space), CHUNK);
        byte[] b = new byte[n];
        if (!src.get(done, b, 0, n)) {
          return done > 0 ? done : -Errno.EFAULT;
        }
        List<FileDescription> r = null;
        if (n > 0 && rights != null && !rights.isEmpty()) {
          r = new ArrayList<>(rights); // files ride on the first chunk; with no bytes they are dropped, as Linux
          rights.clear();
        }
        if (n > 0) {
          peer.rx.addStream(b, r);
        }
        done += n;
        ns.notifyAll();
      } while (done < len);
      return done;
    }
  }

  private long sendMessage(GuestBuffer src, int msgFlags, List<FileDescription> rights, UnixSocket to)
      throws InterruptedException {
    long len = src.length();
    if (len > SocketQueue.CAPACITY - SocketQueue.OVERHEAD) {
      return -Errno.EMSGSIZE;
    }
    byte[] b = new byte[(int) len];
    if (!src.get(0, b, 0, b.length)) {
      return -Errno.EFAULT;
    }
    synchronized (ns) {
      while (true) {
        if ((shutdown & SEND_SHUTDOWN) != 0) {
          return -Errno.EPIPE;
        }
        UnixSocket target;
        if (type == SOCK_SEQPACKET) {
          if (peer == null) {
            return -Errno.ENOTCONN;
          }
          if (to != null) {
            return -Errno.EISCONN;
          }
          target = peer;
          if (target.closed || (target.shutdown & RCV_SHUTDOWN) != 0) {
            return -Errno.EPIPE;
          }
        } else {
          target = to != null ? to : peer;
          if (target == null) {
            return -Errno.ENOTCONN;
          }
          if (target.closed) {
            if (target == peer) {
              peer = null;
            }
            return -Errno.ECONNREFUSED;
          }
          if (target.type != SOCK_DGRAM) {
            return -Errno.EPROTOTYPE;
          }
          if (target.peer != null && target.peer != this) {
            return -Errno.EPERM; // the receiver is connected to someone else
          }
          if ((target.shutdown & RCV_SHUTDOWN) != 0) {
            return -Errno.EPIPE;
          }
        }
        if (target.rx.fits(b.length)) {
          List<FileDescription> r = null;
          if (rights != null && !rights.isEmpty()) {
            r = new ArrayList<>(rights);
            rights.clear();
          }
          target.rx.addMessage(b, r, local); // null: an unnamed sender
          ns.notifyAll();
          return b.length;
        }
        if (nonblock(msgFlags)) {
          return -Errno.EAGAIN;
        }
        ns.wait();
      }
    }
  }

  /**
   * Waits (holding the namespace lock) for any socket of the namespace to change. A signal during a stream
   * transfer that has already moved {@code done} bytes ends it with that count, as Linux does: false then, with
   * the interrupt kept for the syscall layer; with nothing moved it is the caller's EINTR.
   */
  private boolean awaitChange(long done) throws InterruptedException {
    try {
      ns.wait();
      return true;
    } catch (InterruptedException e) {
      if (done > 0) {
        Thread.currentThread().interrupt();
        return false;
      }
      throw e;
    }
  }

  /** What one receive produced: bytes (or -errno), msg_flags, passed files and the sender's address. */
  public static final class Received {
    public long result;
    public int flags;
    public final List<FileDescription> rights = new ArrayList<>();
    /** The sender's address; null for an unnamed sender (recvfrom/recvmsg then report length 0, as Linux). */
    public byte[] from;
  }

  public Received recv(GuestBuffer dst, int msgFlags) {
    Received out = new Received();
    try {
      out.result = type == SOCK_STREAM ? recvStream(dst, msgFlags, out) : recvMessage(dst, msgFlags, out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      out.result = -Errno.EINTR;
    }
    return out;
  }

  private long recvStream(GuestBuffer dst, int msgFlags, Received out) throws InterruptedException {
    long len = dst.length();
    boolean peek = (msgFlags & MSG_PEEK) != 0;
    boolean waitAll = (msgFlags & MSG_WAITALL) != 0 && !peek;
    long done = 0;
    synchronized (ns) {
      if (peer == null && (shutdown & RCV_SHUTDOWN) == 0) {
        return -Errno.EINVAL; // Linux: a stream socket that never connected
      }
      out.from = peer == null ? null : peer.local;
      while (done < len) {
        if (!rx.isEmpty()) {
          int want = (int) Math.min(len - done, CHUNK);
          byte[] tmp = new byte[want];
          int n = rx.readStream(tmp, want, peek, out.rights);
          if (!dst.put(done, tmp, 0, n)) {
            return done > 0 ? done : -Errno.EFAULT;
          }
          done += n;
          ns.notifyAll();
          if (peek || !out.rights.isEmpty() || (!waitAll && done > 0 && rx.isEmpty())) {
            break;
          }
          continue;
        }
        if ((shutdown & RCV_SHUTDOWN) != 0 || (done > 0 && !waitAll)) {
          break;
        }
        if (nonblock(msgFlags)) {
          return done > 0 ? done : -Errno.EAGAIN;
        }
        if (!awaitChange(done)) {
          return done;
        }
      }
      return done;
    }
  }

  private long recvMessage(GuestBuffer dst, int msgFlags, Received out) throws InterruptedException {
    boolean peek = (msgFlags & MSG_PEEK) != 0;
    synchronized (ns) {
      if (type == SOCK_SEQPACKET && peer == null && (shutdown & RCV_SHUTDOWN) == 0) {
        return listening ? -Errno.EINVAL : -Errno.ENOTCONN;
      }
      while (rx.isEmpty()) {
        if ((shutdown & RCV_SHUTDOWN) != 0) {
          return 0;
        }
        if (nonblock(msgFlags)) {
          return -Errno.EAGAIN;
        }
        ns.wait();
      }
      Message m = rx.readMessage(peek, out.rights);
      ns.notifyAll();
      int n = (int) Math.min(dst.length(), m.data.length);
      if (!dst.put(0, m.data, 0, n)) {
        return -Errno.EFAULT;
      }
      out.from = m.from;
      if (m.data.length > n) {
        out.flags |= MSG_TRUNC;
      }
      if (type == SOCK_SEQPACKET) {
        out.flags |= MSG_EOR;
      }
      return (msgFlags & MSG_TRUNC) != 0 ? m.data.length : n;
    }
  }

  // ---- options -----------------------------------------------------------------------------------------------

  public int[] peerCred() {
    synchronized (ns) {
      return peerCred;
    }
  }

  public boolean listening() {
    synchronized (ns) {
      return listening;
    }
  }

  public int sndbuf() {
    return sndbuf;
  }

  public int rcvbuf() {
    return rcvbuf;
  }

  /** SO_SNDBUF/SO_RCVBUF: stored doubled and clamped as Linux reports them; the queue bound stays 208 KiB. */
  public void setBuf(boolean send, int v) {
    int n = (int) Math.max(4608, Math.min(2L * Math.max(v, 0), 2L * SocketQueue.CAPACITY));
    if (send) {
      sndbuf = n;
    } else {
      rcvbuf = n;
    }
  }

  public boolean passcred() {
    return passcred;
  }

  public void setPasscred(boolean on) {
    passcred = on;
  }

  // ---- FileDescription ---------------------------------------------------------------------------------------

  @Override
  public String path() {
    return "socket:[" + ino + "]";
  }

  @Override
  public Stat stat() {
    return Stat.synthetic(ino, NodeType.SOCKET, 0777, 0, 0);
  }

  @Override
  public boolean isStream() {
    return true;
  }

  /** read(2): recv with no flags. */
  @Override
  public long read(MemoryManager mm, long va, long len) {
    return recv(new MmBuffer(mm, va, len), 0).result; // rights are never sent to read(2) callers: dropped
  }

  /** write(2): send with no flags (the syscall raises SIGPIPE on EPIPE). */
  @Override
  public long write(MemoryManager mm, long va, long len) {
    return send(new MmBuffer(mm, va, len), 0, null, null);
  }

  @Override
  public long pread(MemoryManager mm, long va, long len, long off) {
    return -Errno.ESPIPE;
  }

  @Override
  public long readBytes(byte[] dst, int len, long off) {
    if (off >= 0) {
      return -Errno.ESPIPE;
    }
    byte[] b = len == dst.length ? dst : new byte[len];
    Received r = recv(GuestBuffer.of(b), 0);
    if (b != dst && r.result > 0) {
      System.arraycopy(b, 0, dst, 0, (int) r.result);
    }
    r.rights.forEach(FileDescription::decRef);
    return r.result;
  }

  @Override
  public long writeBytes(byte[] src, int len, long off) {
    if (off >= 0) {
      return -Errno.ESPIPE;
    }
    return send(GuestBuffer.of(java.util.Arrays.copyOf(src, len)), 0, null, null);
  }

  @Override
  public long ioctl(MemoryManager mm, int request, long arg) {
    if (request == 0x541B) { // FIONREAD / SIOCINQ
      int n;
      synchronized (ns) {
        if (listening) {
          return -Errno.EINVAL;
        }
        n = type == SOCK_STREAM ? rx.bytes() : rx.nextLength();
      }
      return mm.writeInt(arg, n) < 0 ? -Errno.EFAULT : 0;
    }
    return -Errno.ENOTTY;
  }

  /** Linux's unix_poll / unix_dgram_poll. */
  @Override
  public int readiness() {
    final int in = 0x1 | 0x40, out = 0x4 | 0x100 | 0x200, hup = 0x10, rdhup = 0x2000;
    synchronized (ns) {
      int mask = 0;
      if (listening) {
        return pending.isEmpty() ? 0 : in;
      }
      if (shutdown == (RCV_SHUTDOWN | SEND_SHUTDOWN)) {
        mask |= hup;
      }
      if ((shutdown & RCV_SHUTDOWN) != 0) {
        mask |= in | rdhup;
      }
      if (!rx.isEmpty()) {
        mask |= in;
      }
      if (type != SOCK_DGRAM && peer == null) {
        mask |= hup; // a connection-based socket that is not connected
      }
      boolean writable;
      if (type == SOCK_DGRAM) {
        writable = peer == null || peer.closed || peer.rx.fits(0);
      } else {
        writable = peer == null || peer.closed || peer.rx.streamSpace() > 0;
      }
      if (writable) {
        mask |= out;
      }
      return mask;
    }
  }

  @Override
  protected void release() {
    List<UnixSocket> orphans;
    List<Message> dropped;
    synchronized (ns) {
      closed = true;
      ns.unbind(this);
      dropped = rx.drain();
      orphans = new ArrayList<>(pending);
      pending.clear();
      listening = false;
      if (peer != null && type != SOCK_DGRAM) {
        peer.shutdown = RCV_SHUTDOWN | SEND_SHUTDOWN; // the peer reads EOF and gets EPIPE
      }
      ns.notifyAll();
    }
    // Outside the lock: releasing a passed file or an unaccepted connection may take other locks.
    dropped.forEach(Message::dropRights);
    orphans.forEach(FileDescription::decRef); // never accepted: their clients see the connection close
  }

  @Override
  public void truncate(long size) throws ErrnoException {
    throw new ErrnoException(Errno.EINVAL);
  }

  /** One guest range as a {@link GuestBuffer}. */
  private record MmBuffer(MemoryManager mm, long va, long len) implements GuestBuffer {
    @Override
    public long length() {
      return len;
    }

    @Override
    public boolean get(long off, byte[] dst, int dstOff, int n) {
      return mm.copyIn(va + off, dst, dstOff, n) >= 0;
    }

    @Override
    public boolean put(long off, byte[] src, int srcOff, int n) {
      return mm.copyOut(va + off, src, srcOff, n) >= 0;
    }
  }
}
