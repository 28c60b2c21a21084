package dev.jvisor.sentry.fs.tty;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.Terminal;
import dev.jvisor.sentry.mm.MemoryManager;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * One pseudo-terminal: the line discipline, the output the host has yet to read, the window size, the session
 * it controls and its foreground process group. The host drives the master through {@link Terminal}; the guest's
 * slave descriptors ({@link SlaveFd}) call the {@code slave*} methods. Everything is guarded by this object's
 * monitor; signals are sent only after it is released, so a terminal never holds its lock into the kernel.
 */
public final class Pty implements Terminal {
  /** Guest output the host has not read yet; beyond it the guest's write(2) waits (echoes are dropped). */
  static final int MAX_OUTPUT = 64 << 10;
  /** Largest chunk one slave write moves at a time (so no huge Java arrays for a huge write). */
  static final int WRITE_CHUNK = 4096;
  static final int SIGHUP = 1, SIGCONT = 18, SIGWINCH = 28;
  private static final int MAX_DIMENSION = 0xffff;

  private final int index;
  private final JobControl jobs;
  private final Devpts devpts;
  private final LineDiscipline ld;
  private final Deque<byte[]> output = new ArrayDeque<>();
  private int outputBytes;
  private int rows;
  private int cols;
  private int xpixel;
  private int ypixel;
  /** The session this is the controlling terminal of (0: none) and its foreground process group. */
  private int session;
  private int foreground;
  private int slaveOpens;
  private boolean everOpened;
  private boolean hungUp;
  private final List<Integer> pendingSignals = new ArrayList<>();

  Pty(int index, JobControl jobs, Devpts devpts, int cols, int rows) {
    this.index = index;
    this.jobs = jobs;
    this.devpts = devpts;
    this.cols = clamp(cols);
    this.rows = clamp(rows);
    this.ld = new LineDiscipline(this::echo, pendingSignals::add);
  }

  private static int clamp(int v) {
    return Math.max(0, Math.min(MAX_DIMENSION, v));
  }

  public int index() {
    return index;
  }

  @Override
  public String name() {
    return "/dev/pts/" + index;
  }

  synchronized int session() {
    return session;
  }

  /** The host started a session leader on this terminal: it becomes that session's controlling terminal. */
  public void attachSession(int sid, int pgid) {
    synchronized (this) {
      session = sid;
      foreground = pgid;
    }
  }

  // ---- the master (host) side ----

  @Override
  public void write(byte[] b, int off, int len) throws InterruptedException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    for (int i = 0; i < len; i++) {
      int fg;
      synchronized (this) {
        while (!hungUp && !ld.hasRoom()) {
          wait();
        }
        if (hungUp) {
          return;
        }
        ld.receive(b[off + i]);
        notifyAll();
        fg = foreground;
      }
      sendPending(fg);
    }
  }

  @Override
  public int read(byte[] b, int off, int len, Duration timeout) throws InterruptedException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
    synchronized (this) {
      while (output.isEmpty()) {
        if (hungUp || (everOpened && slaveOpens == 0)) {
          return -1;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return 0;
        }
        if (timeout == null) {
          wait();
        } else {
          wait(Math.max(1, left / 1_000_000));
        }
      }
      int done = 0;
      while (done < len && !output.isEmpty()) {
        byte[] chunk = output.pollFirst();
        int n = Math.min(chunk.length, len - done);
        System.arraycopy(chunk, 0, b, off + done, n);
        if (n < chunk.length) {
          output.addFirst(java.util.Arrays.copyOfRange(chunk, n, chunk.length));
        }
        done += n;
      }
      outputBytes -= done;
      notifyAll();
      return done;
    }
  }

  @Override
  public void resize(int newCols, int newRows) {
    setWindow(clamp(newRows), clamp(newCols), xpixel, ypixel);
  }

  private void setWindow(int r, int c, int xp, int yp) {
    int fg;
    synchronized (this) {
      boolean changed = r != rows || c != cols || xp != xpixel || yp != ypixel;
      rows = r;
      cols = c;
      xpixel = xp;
      ypixel = yp;
      fg = changed ? foreground : 0;
    }
    if (fg > 0) {
      jobs.signalProcessGroup(fg, SIGWINCH);
    }
  }

  @Override
  public void close() {
    int fg;
    int leader;
    synchronized (this) {
      if (hungUp) {
        return;
      }
      hungUp = true;
      fg = foreground;
      leader = session;
      session = 0;
      foreground = 0;
      notifyAll();
    }
    if (fg > 0) {
      jobs.signalProcessGroup(fg, SIGHUP);
      jobs.signalProcessGroup(fg, SIGCONT);
    }
    if (leader > 0 && leader != fg) {
      jobs.signalProcessGroup(leader, SIGHUP);
    }
    releaseIfUnused();
  }

  private void releaseIfUnused() {
    boolean gone;
    synchronized (this) {
      gone = hungUp && slaveOpens == 0;
    }
    if (gone) {
      devpts.remove(this);
    }
  }

  /** Echoes (already post-processed) go to the host unless its buffer is full: Linux drops them too. */
  private void echo(byte[] b) {
    if (outputBytes + b.length <= MAX_OUTPUT && b.length > 0) {
      output.addLast(b);
      outputBytes += b.length;
    }
  }

  private void sendPending(int fg) {
    List<Integer> sigs;
    synchronized (this) {
      if (pendingSignals.isEmpty()) {
        return;
      }
      sigs = new ArrayList<>(pendingSignals);
      pendingSignals.clear();
    }
    if (fg > 0) {
      for (int sig : sigs) {
        jobs.signalProcessGroup(fg, sig);
      }
    }
  }

  // ---- the slave (guest) side ----

  /** A guest open of /dev/pts/N (or /dev/tty), or the host installing fds 0-2; EIO once hung up. */
  public SlaveFd openSlave(int flags, String path) throws dev.jvisor.sentry.vfs.ErrnoException {
    synchronized (this) {
      if (hungUp) {
        throw new dev.jvisor.sentry.vfs.ErrnoException(Errno.EIO);
      }
      slaveOpens++;
      everOpened = true;
    }
    return new SlaveFd(this, flags, path);
  }

  void slaveClosed() {
    synchronized (this) {
      slaveOpens--;
      notifyAll();
    }
    releaseIfUnused();
  }

  long slaveRead(MemoryManager mm, long va, long len, boolean nonblock) {
    if (len <= 0) {
      return 0;
    }
    int max = (int) Math.min(len, LineDiscipline.MAX_READY);
    byte[] got;
    try {
      got = takeInput(max, nonblock);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -Errno.EINTR;
    }
    if (got == null) {
      return -Errno.EAGAIN;
    }
    if (got.length > 0 && mm.copyOut(va, got, 0, got.length) < 0) {
      return -Errno.EFAULT;
    }
    return got.length;
  }

  /** Canonical: one line (empty = EOF). Raw: VMIN/VTIME as termios(3) describes. Null means EAGAIN. */
  private synchronized byte[] takeInput(int max, boolean nonblock) throws InterruptedException {
    if (ld.canonical()) {
      while (!ld.readable()) {
        if (hungUp) {
          return new byte[0];
        }
        if (nonblock) {
          return null;
        }
        wait();
      }
      byte[] line = ld.take(max);
      notifyAll();
      return line;
    }
    Termios t = ld.termios();
    int vmin = t.cc[Termios.VMIN] & 0xff;
    long vtimeMs = (t.cc[Termios.VTIME] & 0xff) * 100L;
    int want = Math.max(1, Math.min(vmin, max));
    long deadline = vtimeMs > 0 && vmin == 0 ? System.nanoTime() + vtimeMs * 1_000_000 : Long.MAX_VALUE;
    while (ld.readyBytes() < want) {
      if (hungUp) {
        break;
      }
      if (nonblock) {
        if (ld.readyBytes() == 0) {
          return null;
        }
        break;
      }
      if (vmin == 0 && vtimeMs == 0) {
        break;
      }
      if (vtimeMs > 0 && ld.readyBytes() > 0) {
        // VTIME as an inter-byte timer once the first byte is in.
        long before = ld.readyBytes();
        wait(vtimeMs);
        if (ld.readyBytes() == before) {
          break;
        }
        continue;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        break;
      }
      wait(deadline == Long.MAX_VALUE ? 0 : Math.max(1, left / 1_000_000));
    }
    byte[] got = ld.take(max);
    notifyAll();
    return got == null ? new byte[0] : got;
  }

  long slaveWrite(MemoryManager mm, long va, long len, boolean nonblock) {
    long done = 0;
    byte[] buf = new byte[(int) Math.min(Math.max(len, 0), WRITE_CHUNK)];
    try {
      while (done < len) {
        int n = (int) Math.min(len - done, WRITE_CHUNK);
        if (mm.copyIn(va + done, buf, 0, n) < 0) {
          return done > 0 ? done : -Errno.EFAULT;
        }
        synchronized (this) {
          while (!hungUp && outputBytes >= MAX_OUTPUT) {
            if (nonblock) {
              return done > 0 ? done : -Errno.EAGAIN;
            }
            wait();
          }
          if (hungUp) {
            return done > 0 ? done : -Errno.EIO;
          }
          byte[] out = ld.postProcess(buf, 0, n);
          output.addLast(out);
          outputBytes += out.length;
          notifyAll();
        }
        done += n;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return done > 0 ? done : -Errno.EINTR;
    }
    return done;
  }

  synchronized int slaveReadiness() {
    int r = 0;
    if (ld.readable()) {
      r |= 1;
    }
    if (outputBytes < MAX_OUTPUT) {
      r |= 4;
    }
    if (hungUp) {
      r |= 1 | 16;
    }
    return r;
  }

  // ---- ioctl(2) on the slave ----

  static final int TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404, TCSBRK = 0x5409,
      TCXONC = 0x540A, TCFLSH = 0x540B, TIOCEXCL = 0x540C, TIOCNXCL = 0x540D, TIOCSCTTY = 0x540E,
      TIOCGPGRP = 0x540F, TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCSTI = 0x5412, TIOCGWINSZ = 0x5413,
      TIOCSWINSZ = 0x5414, FIONREAD = 0x541B, TIOCNOTTY = 0x5422, TIOCSETD = 0x5423, TIOCGETD = 0x5424,
      TCSBRKP = 0x5425, TIOCGSID = 0x5429;

  long ioctl(MemoryManager mm, int request, long arg) {
    JobControl.Caller me = jobs.caller();
    switch (request) {
      case TCGETS -> {
        byte[] t;
        synchronized (this) {
          t = ld.termios().toBytes();
        }
        return mm.copyOut(arg, t, 0, t.length) < 0 ? -Errno.EFAULT : 0;
      }
      case TCSETS, TCSETSW, TCSETSF -> {
        byte[] raw = new byte[Termios.SIZE];
        if (mm.copyIn(arg, raw, 0, raw.length) < 0) {
          return -Errno.EFAULT;
        }
        synchronized (this) {
          // TCSETSW would wait for output to drain; output is already the host's, so there is nothing to wait for.
          if (request == TCSETSF) {
            ld.flushInput();
          }
          ld.setTermios(Termios.fromBytes(raw));
          notifyAll();
        }
        return 0;
      }
      case TIOCGWINSZ -> {
        byte[] w = new byte[8];
        synchronized (this) {
          putShort(w, 0, rows);
          putShort(w, 2, cols);
          putShort(w, 4, xpixel);
          putShort(w, 6, ypixel);
        }
        return mm.copyOut(arg, w, 0, 8) < 0 ? -Errno.EFAULT : 0;
      }
      case TIOCSWINSZ -> {
        byte[] w = new byte[8];
        if (mm.copyIn(arg, w, 0, 8) < 0) {
          return -Errno.EFAULT;
        }
        setWindow(getShort(w, 0), getShort(w, 2), getShort(w, 4), getShort(w, 6));
        return 0;
      }
      case FIONREAD, TIOCOUTQ -> {
        int n;
        synchronized (this) {
          n = request == FIONREAD ? ld.readyBytes() : outputBytes;
        }
        return mm.writeInt(arg, n) < 0 ? -Errno.EFAULT : 0;
      }
      case TCFLSH -> {
        if (arg < 0 || arg > 2) {
          return -Errno.EINVAL;
        }
        synchronized (this) {
          if (arg != 1) {
            ld.flushInput();
          }
          notifyAll();
        }
        return 0;
      }
      case TCSBRK, TCSBRKP, TCXONC, TIOCEXCL, TIOCNXCL -> {
        return 0;
      }
      case TIOCGETD -> {
        return mm.writeInt(arg, 0) < 0 ? -Errno.EFAULT : 0; // N_TTY
      }
      case TIOCSETD -> {
        byte[] v = new byte[4];
        if (mm.copyIn(arg, v, 0, 4) < 0) {
          return -Errno.EFAULT;
        }
        return getShort(v, 0) == 0 && getShort(v, 2) == 0 ? 0 : -Errno.EINVAL;
      }
      case TIOCSTI -> {
        return -Errno.EPERM; // faking input is off, as with sysctl dev.tty.legacy_tiocsti=0
      }
      case TIOCSCTTY -> {
        return setControlling(me, arg == 1);
      }
      case TIOCNOTTY -> {
        synchronized (this) {
          if (me == null || me.sid() != session) {
            return -Errno.ENOTTY;
          }
          if (me.pid() == me.sid()) {
            session = 0;
            foreground = 0;
          }
        }
        return 0;
      }
      case TIOCGPGRP, TIOCGSID -> {
        int v;
        synchronized (this) {
          if (me != null && me.sid() != session) {
            return -Errno.ENOTTY;
          }
          v = request == TIOCGPGRP ? foreground : session;
        }
        return mm.writeInt(arg, v) < 0 ? -Errno.EFAULT : 0;
      }
      case TIOCSPGRP -> {
        byte[] v = new byte[4];
        if (mm.copyIn(arg, v, 0, 4) < 0) {
          return -Errno.EFAULT;
        }
        int pgrp = java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
        int sid;
        synchronized (this) {
          sid = session;
        }
        if (sid == 0 || (me != null && me.sid() != sid)) {
          return -Errno.ENOTTY;
        }
        if (pgrp <= 0) {
          return -Errno.EINVAL;
        }
        if (!jobs.processGroupInSession(pgrp, sid)) {
          return -Errno.EPERM;
        }
        synchronized (this) {
          foreground = pgrp;
        }
        return 0;
      }
      default -> {
        return -Errno.ENOTTY;
      }
    }
  }

  private long setControlling(JobControl.Caller me, boolean steal) {
    if (me == null) {
      return -Errno.EPERM;
    }
    if (me.pid() != me.sid()) {
      return -Errno.EPERM; // only a session leader acquires a controlling terminal
    }
    if (devpts.controlling(me.sid()) != null && devpts.controlling(me.sid()) != this) {
      return -Errno.EPERM;
    }
    synchronized (this) {
      if (session == me.sid()) {
        return 0;
      }
      if (session != 0 && !steal) {
        return -Errno.EPERM;
      }
      session = me.sid();
      foreground = me.pgid();
    }
    return 0;
  }

  private static void putShort(byte[] b, int at, int v) {
    b[at] = (byte) v;
    b[at + 1] = (byte) (v >>> 8);
  }

  private static int getShort(byte[] b, int at) {
    return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
  }
}
