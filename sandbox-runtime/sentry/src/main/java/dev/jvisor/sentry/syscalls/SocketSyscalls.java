package dev.jvisor.sentry.syscalls;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.fs.socket.GuestBuffer;
import dev.jvisor.sentry.fs.socket.UnixNamespace;
import dev.jvisor.sentry.fs.socket.UnixSocket;
import dev.jvisor.sentry.kernel.Signals;
import dev.jvisor.sentry.kernel.SyscallTable;
import dev.jvisor.sentry.kernel.Task;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Stat;
import dev.jvisor.sentry.vfs.Vfs;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The socket family, for AF_UNIX only (sockets of {@code fs.socket}, never a host socket); every other address
 * family is EAFNOSUPPORT. Guest values are bounded here: address lengths (sockaddr_un), iovec counts (IOV_MAX),
 * control-message lengths, file counts per SCM_RIGHTS message (SCM_MAX_FD) and listen backlogs.
 */
final class SocketSyscalls {
  static final int AF_UNIX = 1;
  static final int SOCK_NONBLOCK = 04000, SOCK_CLOEXEC = 02000000;
  static final int SOL_SOCKET = 1, SCM_RIGHTS = 1, SCM_CREDENTIALS = 2;
  static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_SNDBUF = 7, SO_RCVBUF = 8, SO_KEEPALIVE = 9,
      SO_PASSCRED = 16, SO_PEERCRED = 17, SO_ACCEPTCONN = 30, SO_PROTOCOL = 38, SO_DOMAIN = 39;
  /** sizeof(struct sockaddr_un): sun_family and 108 bytes of sun_path. */
  static final int SOCKADDR_UN = 110;
  /** Linux's SCM_MAX_FD: files per SCM_RIGHTS message. */
  static final int SCM_MAX_FD = 253;
  /** Control data accepted per sendmsg (Linux bounds it by net.core.optmem_max). */
  static final int MAX_CONTROL = 20480;
  private static final String UNIX_ONLY = "AF_UNIX only, inside the sandbox; other families EAFNOSUPPORT.";

  private SocketSyscalls() {}

  static void register(SyscallTable t) {
    t.partial("socket", "ddd", UNIX_ONLY + " Stream, datagram, seqpacket.", SocketSyscalls::socket);
    t.partial("socketpair", "dddp", UNIX_ONLY, SocketSyscalls::socketpair);
    t.partial("bind", "fpd", "Paths (a socket inode in the sandbox's writable layers; EROFS on read-only mounts "
        + "and host binds) and the sandbox's own abstract namespace; no autobind.", SocketSyscalls::bind);
    t.full("listen", "fd", (k, fd, n, a, b, c, d) -> sock(k, fd).listen((int) Math.max(Integer.MIN_VALUE,
        Math.min(n, Integer.MAX_VALUE)), creds(k)));
    t.full("connect", "fpd", SocketSyscalls::connect);
    t.full("accept", "fpp", (k, fd, addr, len, a, b, c) -> accept(k, fd, addr, len, 0));
    t.full("accept4", "fppx", (k, fd, addr, len, fl, b, c) -> accept(k, fd, addr, len, fl));
    t.full("getsockname", "fpp", (k, fd, addr, len, a, b, c) -> {
      writeAddr(k, addr, len, sock(k, fd).localAddress(), true);
      return 0;
    });
    t.full("getpeername", "fpp", (k, fd, addr, len, a, b, c) -> {
      byte[] p = sock(k, fd).peerAddress();
      if (p == null) {
        throw new ErrnoException(Errno.ENOTCONN);
      }
      writeAddr(k, addr, len, p, true);
      return 0;
    });
    t.full("shutdown", "fd", (k, fd, how, a, b, c, d) -> sock(k, fd).shutdown((int) how));
    t.full("sendto", "fpdxpd", SocketSyscalls::sendto);
    t.full("recvfrom", "fpdxpp", SocketSyscalls::recvfrom);
    t.partial("sendmsg", "fpx", "SCM_RIGHTS passes files; SCM_CREDENTIALS is refused (EINVAL).",
        (k, fd, msg, fl, a, b, c) -> sendmsg(k, fd, msg, fl));
    t.partial("recvmsg", "fpx", "SCM_RIGHTS received; no SCM_CREDENTIALS (SO_PASSCRED is accepted, sends none).",
        (k, fd, msg, fl, a, b, c) -> recvmsg(k, fd, msg, fl));
    t.partial("getsockopt", "fddpp", "SO_TYPE, SO_ERROR, SO_DOMAIN, SO_PROTOCOL, SO_ACCEPTCONN, SO_PEERCRED, "
        + "SO_SNDBUF, SO_RCVBUF, SO_PASSCRED, SO_REUSEADDR, SO_KEEPALIVE; others ENOPROTOOPT.",
        SocketSyscalls::getsockopt);
    t.partial("setsockopt", "fddpd", "SO_SNDBUF/SO_RCVBUF stored and reported (the queue stays 208 KiB), "
        + "SO_PASSCRED, SO_REUSEADDR, SO_KEEPALIVE accepted; others ENOPROTOOPT.", SocketSyscalls::setsockopt);
  }

  /** pid, effective uid and effective gid: SO_PEERCRED's struct ucred. */
  private static int[] creds(Task k) {
    int[] u = k.threadGroup().creds().uids();
    int[] g = k.threadGroup().creds().gids();
    return new int[] {k.threadGroup().pid(), u[Math.min(1, u.length - 1)], g[Math.min(1, g.length - 1)]};
  }

  private static UnixSocket sock(Task k, long fd) throws ErrnoException {
    if (!(Args.fd(k, fd) instanceof UnixSocket s)) {
      throw new ErrnoException(Errno.ENOTSOCK);
    }
    return s;
  }

  /** The socket type of socket(2)'s {@code type} argument, its flags checked. */
  private static int type(long type) throws ErrnoException {
    if ((type & ~(0xf | SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    return switch ((int) type & 0xf) {
      case UnixSocket.SOCK_STREAM -> UnixSocket.SOCK_STREAM;
      case UnixSocket.SOCK_DGRAM, UnixSocket.SOCK_RAW -> UnixSocket.SOCK_DGRAM; // Linux turns RAW into DGRAM
      case UnixSocket.SOCK_SEQPACKET -> UnixSocket.SOCK_SEQPACKET;
      default -> throw new ErrnoException(Errno.ESOCKTNOSUPPORT);
    };
  }

  /** socket's and socketpair's arguments checked as Linux checks them: the socket type, for AF_UNIX only. */
  private static int unixType(long domain, long type, long protocol) throws ErrnoException {
    if (domain != AF_UNIX) {
      throw new ErrnoException(Errno.EAFNOSUPPORT);
    }
    int ty = type(type);
    if (protocol != 0 && protocol != AF_UNIX) {
      throw new ErrnoException(Errno.EPROTONOSUPPORT);
    }
    return ty;
  }

  private static long socket(Task k, long domain, long type, long protocol, long a, long b, long c)
      throws ErrnoException {
    int ty = unixType(domain, type, protocol);
    UnixSocket s = new UnixSocket(ns(k), ty, (int) type & SOCK_NONBLOCK, creds(k));
    return FileSyscalls.install(k, s, 0, (type & SOCK_CLOEXEC) != 0);
  }

  private static UnixNamespace ns(Task k) {
    return k.kernel().unixSockets();
  }

  private static long socketpair(Task k, long domain, long type, long protocol, long sv, long b, long c)
      throws ErrnoException {
    int ty = unixType(domain, type, protocol);
    boolean cloexec = (type & SOCK_CLOEXEC) != 0;
    UnixSocket[] p = UnixSocket.pair(ns(k), ty, (int) type & SOCK_NONBLOCK, creds(k));
    int a;
    try {
      a = (int) FileSyscalls.install(k, p[0], 0, cloexec);
    } catch (ErrnoException e) {
      p[1].decRef();
      throw e;
    }
    int bfd;
    try {
      bfd = (int) FileSyscalls.install(k, p[1], 0, cloexec);
    } catch (ErrnoException e) {
      k.fds().close(a);
      throw e;
    }
    byte[] out = new byte[8];
    ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putInt(a).putInt(bfd);
    if (k.mm().copyOut(sv, out, 0, 8) < 0) {
      k.fds().close(a);
      k.fds().close(bfd);
      throw new ErrnoException(Errno.EFAULT);
    }
    return 0;
  }

  // ---- addresses ---------------------------------------------------------------------------------------------

  /** A validated sockaddr_un: {@code abstractName} set, or {@code path} (the name bind/connect resolve). */
  record Address(byte[] raw, String path) {
    boolean isAbstract() {
      return path == null;
    }

    String key() {
      return new String(raw, 2, raw.length - 2, StandardCharsets.ISO_8859_1);
    }
  }

  /** Reads and checks a guest sockaddr_un (Linux unix_validate_addr, then unix_mkname_bsd for a path). */
  static Address address(Task k, long addr, long len) throws ErrnoException {
    if (len <= 2 || len > SOCKADDR_UN) {
      throw new ErrnoException(Errno.EINVAL);
    }
    byte[] raw = new byte[(int) len];
    if (k.mm().copyIn(addr, raw, 0, raw.length) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    return address(raw);
  }

  static Address address(byte[] raw) throws ErrnoException {
    if ((raw[0] & 0xff | (raw[1] & 0xff) << 8) != AF_UNIX) {
      throw new ErrnoException(Errno.EINVAL);
    }
    if (raw[2] == 0) {
      return new Address(raw, null);
    }
    int end = 2;
    while (end < raw.length && raw[end] != 0) {
      end++;
    }
    String path = new String(raw, 2, end - 2, StandardCharsets.UTF_8);
    // getsockname reports the path with its NUL: sun_family + strlen + 1, as Linux.
    byte[] named = Arrays.copyOf(raw, Math.min(end + 1, SOCKADDR_UN + 1));
    if (end < named.length) {
      named[end] = 0;
    }
    return new Address(named, path);
  }

  /** Copies {@code a} to the guest's (addr, *addrlen) pair, truncated to its buffer, with the full length. */
  private static void writeAddr(Task k, long addr, long lenp, byte[] a, boolean required) throws ErrnoException {
    if (addr == 0 && !required) {
      return;
    }
    byte[] l = new byte[4];
    if (k.mm().copyIn(lenp, l, 0, 4) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    int len = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (len < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    int n = Math.min(len, a.length);
    if (n > 0 && k.mm().copyOut(addr, a, 0, n) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    Args.writeInt(k, lenp, a.length);
  }

  private static String inodeKey(Stat st) {
    return st.dev() + ":" + st.ino();
  }

  private static long bind(Task k, long fd, long addr, long len, long a, long b, long c) throws ErrnoException {
    UnixSocket s = sock(k, fd);
    Address ad = address(k, addr, len);
    if (ad.isAbstract()) {
      return s.bindAbstract(ad.raw());
    }
    if (s.bound()) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Vfs.Parent parent = k.vfs().resolveParent(Args.at(k, Args.AT_FDCWD, ad.path()));
    Node node;
    try {
      node = parent.dir().mksock(parent.name(), 0777 & ~k.umask());
    } catch (ErrnoException e) {
      throw e.errno() == Errno.EEXIST ? new ErrnoException(Errno.EADDRINUSE) : e;
    }
    long r = s.bindPath(inodeKey(node.stat()), ad.raw());
    if (r < 0) {
      parent.dir().unlink(parent.name(), false); // raced with another bind of this socket
    }
    return r;
  }

  /** The socket an address names: ENOENT for a missing path, ECONNREFUSED when no socket is bound there. */
  private static UnixSocket target(Task k, Address ad, int type) throws ErrnoException {
    UnixSocket t;
    if (ad.isAbstract()) {
      t = ns(k).lookupAbstract(ad.key());
      if (t != null && t.type() != type) {
        t = null; // Linux looks abstract names up per type: another type's name is just not there
      }
    } else {
      Vfs.Resolved r = k.vfs().resolve(Args.at(k, Args.AT_FDCWD, ad.path()), true);
      if (r.node().type() != NodeType.SOCKET) {
        throw new ErrnoException(Errno.ECONNREFUSED);
      }
      t = ns(k).lookupPath(inodeKey(r.node().stat()));
      if (t != null && t.type() != type) {
        throw new ErrnoException(Errno.EPROTOTYPE);
      }
    }
    if (t == null) {
      throw new ErrnoException(Errno.ECONNREFUSED);
    }
    return t;
  }

  private static long connect(Task k, long fd, long addr, long len, long a, long b, long c) throws ErrnoException {
    UnixSocket s = sock(k, fd);
    if (s.type() == UnixSocket.SOCK_DGRAM && len >= 2) {
      byte[] fam = new byte[2];
      if (k.mm().copyIn(addr, fam, 0, 2) < 0) {
        throw new ErrnoException(Errno.EFAULT);
      }
      if (fam[0] == 0 && fam[1] == 0) {
        return s.disconnect(); // AF_UNSPEC: a datagram socket forgets its default peer, as Linux
      }
    }
    return s.connect(target(k, address(k, addr, len), s.type()), creds(k));
  }

  private static long accept(Task k, long fd, long addr, long lenp, long flags) throws ErrnoException {
    if ((flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) != 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    Object r = sock(k, fd).accept((int) flags & SOCK_NONBLOCK);
    if (r instanceof Integer e) {
      return e;
    }
    UnixSocket s = (UnixSocket) r;
    try {
      if (addr != 0) {
        writeAddr(k, addr, lenp, s.peerAddress(), false);
      }
    } catch (ErrnoException e) {
      s.decRef();
      throw e;
    }
    return FileSyscalls.install(k, s, 0, (flags & SOCK_CLOEXEC) != 0);
  }

  // ---- data --------------------------------------------------------------------------------------------------

  /** A guest iovec array as one buffer; the total is bounded by MAX_RW as Linux's rw_verify_area. */
  static final class IoVecs implements GuestBuffer {
    private final Task k;
    private final long[] base;
    private final long[] len;
    private final long total;

    IoVecs(Task k, long[] base, long[] len) {
      this.k = k;
      this.base = base;
      this.len = len;
      long t = 0;
      for (long l : len) {
        t += l;
      }
      this.total = t;
    }

    static IoVecs single(Task k, long va, long n) throws ErrnoException {
      return new IoVecs(k, new long[] {va}, new long[] {Args.checkLen(n)});
    }

    static IoVecs read(Task k, long iov, long cnt) throws ErrnoException {
      if (cnt < 0 || cnt > FileSyscalls.IOV_MAX) {
        throw new ErrnoException(Errno.EMSGSIZE);
      }
      long[] v = cnt == 0 ? new long[0] : Args.readLongs(k, iov, (int) (2 * cnt));
      long[] b = new long[(int) cnt];
      long[] l = new long[(int) cnt];
      long total = 0;
      for (int i = 0; i < cnt; i++) {
        b[i] = v[2 * i];
        long n = v[2 * i + 1];
        if (n < 0) {
          throw new ErrnoException(Errno.EINVAL);
        }
        n = Math.min(n, FileDescription.MAX_RW - total); // later bytes are ignored, as Linux
        l[i] = n;
        total += n;
      }
      return new IoVecs(k, b, l);
    }

    @Override
    public long length() {
      return total;
    }

    private boolean copy(long off, byte[] buf, int bufOff, int n, boolean in) {
      int i = 0;
      while (i < len.length && off >= len[i]) {
        off -= len[i++];
      }
      while (n > 0 && i < len.length) {
        int m = (int) Math.min(n, len[i] - off);
        int r = in ? k.mm().copyIn(base[i] + off, buf, bufOff, m) : k.mm().copyOut(base[i] + off, buf, bufOff, m);
        if (r < 0) {
          return false;
        }
        bufOff += m;
        n -= m;
        off = 0;
        i++;
      }
      return n == 0;
    }

    @Override
    public boolean get(long off, byte[] dst, int dstOff, int n) {
      return copy(off, dst, dstOff, n, true);
    }

    @Override
    public boolean put(long off, byte[] src, int srcOff, int n) {
      return copy(off, src, srcOff, n, false);
    }
  }

  /** readv/writev on a socket: one send or receive over the whole vector (a datagram stays one message). */
  static long vectorIo(Task k, UnixSocket s, long iov, long cnt, boolean read) throws ErrnoException {
    if (cnt < 0 || cnt > FileSyscalls.IOV_MAX) {
      throw new ErrnoException(Errno.EINVAL);
    }
    IoVecs v = IoVecs.read(k, iov, cnt);
    if (read) {
      UnixSocket.Received r = s.recv(v, 0);
      r.rights.forEach(FileDescription::decRef);
      return r.result;
    }
    return s.send(v, 0, null, null); // the caller raises SIGPIPE on EPIPE
  }

  private static long sigpipe(Task k, long r, long flags) {
    if (r == -Errno.EPIPE && (flags & UnixSocket.MSG_NOSIGNAL) == 0) {
      k.sendSignal(Signals.SIGPIPE, null);
    }
    return r;
  }

  private static long sendto(Task k, long fd, long buf, long len, long flags, long addr, long alen)
      throws ErrnoException {
    UnixSocket s = sock(k, fd);
    UnixSocket to = addr == 0 ? null : target(k, address(k, addr, alen), s.type());
    return sigpipe(k, s.send(IoVecs.single(k, buf, len), (int) flags, null, to), flags);
  }

  private static long recvfrom(Task k, long fd, long buf, long len, long flags, long addr, long alenp)
      throws ErrnoException {
    UnixSocket s = sock(k, fd);
    UnixSocket.Received r = s.recv(IoVecs.single(k, buf, len), (int) flags);
    r.rights.forEach(FileDescription::decRef); // no room for control data: Linux closes them too
    if (r.result >= 0 && addr != 0) {
      writeAddr(k, addr, alenp, r.from == null ? new byte[0] : r.from, false);
    }
    return r.result;
  }

  /** struct msghdr: name, namelen, iov, iovlen, control, controllen, flags (56 bytes). */
  private static long[] msghdr(Task k, long msg) throws ErrnoException {
    return Args.readLongs(k, msg, 7);
  }

  private static long sendmsg(Task k, long fd, long msg, long flags) throws ErrnoException {
    UnixSocket s = sock(k, fd);
    long[] h = msghdr(k, msg);
    long namelen = h[1] & 0xffffffffL;
    UnixSocket to = h[0] == 0 || namelen == 0 ? null : target(k, address(k, h[0], namelen), s.type());
    IoVecs v = IoVecs.read(k, h[2], h[3]);
    List<FileDescription> rights = control(k, h[4], h[5]);
    return sigpipe(k, s.send(v, (int) flags, rights, to), flags);
  }

  /** Parses sendmsg's control data: SCM_RIGHTS only; each named file gets a reference. */
  private static List<FileDescription> control(Task k, long ctl, long len) throws ErrnoException {
    if (ctl == 0 || len == 0) {
      return null;
    }
    if (len < 0 || len > MAX_CONTROL) {
      throw new ErrnoException(Errno.ENOBUFS);
    }
    byte[] c = new byte[(int) len];
    if (k.mm().copyIn(ctl, c, 0, c.length) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    ByteBuffer bb = ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN);
    List<FileDescription> rights = new ArrayList<>();
    try {
      int off = 0;
      while (off + 16 <= c.length) {
        long clen = bb.getLong(off);
        if (clen < 16 || clen > c.length - off) {
          throw new ErrnoException(Errno.EINVAL);
        }
        int level = bb.getInt(off + 8);
        int type = bb.getInt(off + 12);
        if (level != SOL_SOCKET || type != SCM_RIGHTS) {
          throw new ErrnoException(Errno.EINVAL); // SCM_CREDENTIALS and anything else: refused, see docs
        }
        int n = (int) ((clen - 16) / 4);
        if (rights.size() + n > SCM_MAX_FD) {
          throw new ErrnoException(Errno.EINVAL);
        }
        for (int i = 0; i < n; i++) {
          FileDescription f = Args.fd(k, bb.getInt(off + 16 + 4 * i));
          f.incRef();
          rights.add(f);
        }
        off += (int) ((clen + 7) & ~7L);
      }
    } catch (ErrnoException e) {
      rights.forEach(FileDescription::decRef);
      throw e;
    }
    return rights;
  }

  private static long recvmsg(Task k, long fd, long msg, long flags) throws ErrnoException {
    UnixSocket s = sock(k, fd);
    long[] h = msghdr(k, msg);
    IoVecs v = IoVecs.read(k, h[2], h[3]);
    UnixSocket.Received r = s.recv(v, (int) flags);
    if (r.result < 0) {
      return r.result;
    }
    int outFlags = r.flags;
    // msg_name: the sender's address, truncated to msg_namelen, which then says the real length.
    if (h[0] != 0) {
      byte[] from = r.from == null ? new byte[0] : r.from;
      int n = (int) Math.min(Math.max(0, (int) h[1]), from.length);
      if (n > 0 && k.mm().copyOut(h[0], from, 0, n) < 0) {
        r.rights.forEach(FileDescription::decRef);
        throw new ErrnoException(Errno.EFAULT);
      }
      Args.writeInt(k, msg + 8, from.length);
    }
    long used = 0;
    if (!r.rights.isEmpty()) {
      long room = h[4] == 0 ? 0 : h[5];
      int fit = room < 20 ? 0 : (int) Math.min((room - 16) / 4, r.rights.size());
      if (fit < r.rights.size()) {
        outFlags |= UnixSocket.MSG_CTRUNC;
      }
      ByteBuffer cm = ByteBuffer.allocate(16 + 4 * fit).order(ByteOrder.LITTLE_ENDIAN);
      cm.putLong(16 + 4L * fit).putInt(SOL_SOCKET).putInt(SCM_RIGHTS);
      boolean cloexec = (flags & UnixSocket.MSG_CMSG_CLOEXEC) != 0;
      for (int i = 0; i < r.rights.size(); i++) {
        FileDescription f = r.rights.get(i);
        if (i >= fit) {
          f.decRef(); // no room: closed, as Linux
          continue;
        }
        int nfd;
        try {
          nfd = (int) FileSyscalls.install(k, f, 0, cloexec);
        } catch (ErrnoException e) {
          outFlags |= UnixSocket.MSG_CTRUNC;
          for (int j = i + 1; j < r.rights.size(); j++) {
            r.rights.get(j).decRef();
          }
          fit = i;
          break;
        }
        cm.putInt(nfd);
      }
      if (fit > 0) {
        byte[] out = Arrays.copyOf(cm.array(), 16 + 4 * fit);
        ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 16 + 4L * fit);
        Args.write(k, h[4], out);
        used = Math.min((16 + 4L * fit + 7) & ~7L, room);
      }
    }
    Args.writeLongs(k, msg + 40, used);
    Args.writeInt(k, msg + 48, outFlags);
    return r.result;
  }

  // ---- options -----------------------------------------------------------------------------------------------

  private static long getsockopt(Task k, long fd, long level, long name, long val, long lenp, long unused)
      throws ErrnoException {
    UnixSocket s = sock(k, fd);
    if (level != SOL_SOCKET) {
      throw new ErrnoException(Errno.EOPNOTSUPP);
    }
    byte[] l = new byte[4];
    if (k.mm().copyIn(lenp, l, 0, 4) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    int len = ByteBuffer.wrap(l).order(ByteOrder.LITTLE_ENDIAN).getInt();
    if (len < 0) {
      throw new ErrnoException(Errno.EINVAL);
    }
    ByteBuffer v = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    switch ((int) name) {
      case SO_TYPE -> v.putInt(s.type());
      case SO_ERROR, SO_PROTOCOL, SO_REUSEADDR, SO_KEEPALIVE -> v.putInt(0);
      case SO_DOMAIN -> v.putInt(AF_UNIX);
      case SO_ACCEPTCONN -> v.putInt(s.listening() ? 1 : 0);
      case SO_SNDBUF -> v.putInt(s.sndbuf());
      case SO_RCVBUF -> v.putInt(s.rcvbuf());
      case SO_PASSCRED -> v.putInt(s.passcred() ? 1 : 0);
      case SO_PEERCRED -> {
        int[] c = s.peerCred();
        // No peer: Linux reports pid 0 and the overflow uid/gid.
        v.putInt(c == null ? 0 : c[0]).putInt(c == null ? 65534 : c[1]).putInt(c == null ? 65534 : c[2]);
      }
      default -> throw new ErrnoException(Errno.ENOPROTOOPT);
    }
    int n = Math.min(len, v.position());
    if (n > 0 && k.mm().copyOut(val, v.array(), 0, n) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    Args.writeInt(k, lenp, n);
    return 0;
  }

  private static long setsockopt(Task k, long fd, long level, long name, long val, long len, long unused)
      throws ErrnoException {
    UnixSocket s = sock(k, fd);
    if (level != SOL_SOCKET) {
      throw new ErrnoException(Errno.EOPNOTSUPP);
    }
    if (name != SO_SNDBUF && name != SO_RCVBUF && name != SO_PASSCRED && name != SO_REUSEADDR
        && name != SO_KEEPALIVE) {
      throw new ErrnoException(Errno.ENOPROTOOPT);
    }
    if ((int) len < 4) {
      throw new ErrnoException(Errno.EINVAL);
    }
    byte[] b = new byte[4];
    if (k.mm().copyIn(val, b, 0, 4) < 0) {
      throw new ErrnoException(Errno.EFAULT);
    }
    int x = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    switch ((int) name) {
      case SO_SNDBUF -> s.setBuf(true, x);
      case SO_RCVBUF -> s.setBuf(false, x);
      case SO_PASSCRED -> s.setPasscred(x != 0);
      default -> { } // SO_REUSEADDR, SO_KEEPALIVE: nothing to do for Unix sockets
    }
    return 0;
  }
}
