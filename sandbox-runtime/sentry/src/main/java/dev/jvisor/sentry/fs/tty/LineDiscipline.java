package dev.jvisor.sentry.fs.tty;

import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.IntConsumer;

/**
 * Linux's N_TTY line discipline for one terminal, without locking or blocking (its {@link Pty} does both): input
 * typed at the master is translated (ICRNL, INLCR, IGNCR, ISTRIP), signal characters become signals for the
 * foreground process group (ISIG), canonical mode edits a line (ERASE, WERASE, KILL, LNEXT, REPRINT, EOF, EOL) and
 * echoes it (ECHO, ECHOE, ECHOK, ECHOKE, ECHOCTL, ECHONL); output written by the guest is post-processed
 * (OPOST with ONLCR, OCRNL, ONLRET, OLCUC). Bounds: a line holds at most {@link #MAX_LINE} bytes (more are
 * dropped, as Linux does), and completed input at most {@link #MAX_READY} bytes.
 */
final class LineDiscipline {
  /** N_TTY_BUF_SIZE - 1: the longest canonical line. */
  static final int MAX_LINE = 4095;
  /** Typed-ahead input waiting for the guest to read; beyond it the master's writer waits. */
  static final int MAX_READY = 64 << 10;

  private Termios termios = new Termios();
  /** The canonical line being edited. */
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  /**
   * Input the guest may read. In canonical mode each chunk is one line (an empty chunk is an EOF); read(2) never
   * crosses a chunk there. In raw mode chunks are only a storage detail.
   */
  private final Deque<byte[]> ready = new ArrayDeque<>();
  private int readyBytes;
  private boolean literalNext;
  /** Where echoes go (the master's output, after post-processing). */
  private final java.util.function.Consumer<byte[]> echo;
  /** Where signal characters go (the Pty sends them to the foreground group after unlocking). */
  private final IntConsumer signal;

  LineDiscipline(java.util.function.Consumer<byte[]> echo, IntConsumer signal) {
    this.echo = echo;
    this.signal = signal;
  }

  Termios termios() {
    return termios.copy();
  }

  /** TCSETS: leaving canonical mode makes the half-edited line readable, as Linux does. */
  void setTermios(Termios t) {
    boolean wasCanon = canonical();
    termios = t.copy();
    if (wasCanon && !canonical() && line.size() > 0) {
      pushReady(line.toByteArray());
      line.reset();
    }
  }

  boolean canonical() {
    return termios.has(Termios.ICANON);
  }

  /** TCSETSF, TCFLSH(TCIFLUSH) and a signal character without NOFLSH: typed input is discarded. */
  void flushInput() {
    line.reset();
    ready.clear();
    readyBytes = 0;
  }

  int readyBytes() {
    return readyBytes;
  }

  /** True when read(2) would return something now (a line, raw bytes, or an EOF marker). */
  boolean readable() {
    return !ready.isEmpty();
  }

  /** True if the master may hand over more input without overrunning the buffer. */
  boolean hasRoom() {
    return readyBytes + line.size() < MAX_READY;
  }

  /** Processes one byte typed at the master. */
  void receive(int b) {
    int c = b & 0xff;
    Termios t = termios;
    if ((t.iflag & Termios.ISTRIP) != 0) {
      c &= 0x7f;
    }
    if (literalNext) {
      literalNext = false;
      store(c);
      return;
    }
    if (c == '\r') {
      if ((t.iflag & Termios.IGNCR) != 0) {
        return;
      }
      if ((t.iflag & Termios.ICRNL) != 0) {
        c = '\n';
      }
    } else if (c == '\n' && (t.iflag & Termios.INLCR) != 0) {
      c = '\r';
    }
    if (t.has(Termios.ISIG)) {
      int sig = c == t.cc(Termios.VINTR) ? 2 : c == t.cc(Termios.VQUIT) ? 3 : c == t.cc(Termios.VSUSP) ? 20 : 0;
      if (sig != 0) {
        if (!t.has(Termios.NOFLSH)) {
          flushInput();
        }
        echoChar(c);
        signal.accept(sig);
        return;
      }
    }
    if ((t.iflag & Termios.IXON) != 0 && (c == t.cc(Termios.VSTART) || c == t.cc(Termios.VSTOP))) {
      return; // flow control characters are consumed; output is never actually stopped (documented)
    }
    boolean ext = t.has(Termios.IEXTEN);
    if (canonical()) {
      if (c == t.cc(Termios.VERASE)) {
        erase(false);
      } else if (ext && c == t.cc(Termios.VWERASE)) {
        erase(true);
      } else if (c == t.cc(Termios.VKILL)) {
        kill();
      } else if (ext && c == t.cc(Termios.VLNEXT)) {
        literalNext = true;
      } else if (ext && c == t.cc(Termios.VREPRINT)) {
        echoChar(c);
        echoRaw(new byte[] {'\n'});
        echoRaw(line.toByteArray());
      } else if (c == t.cc(Termios.VEOF)) {
        pushReady(line.toByteArray());
        line.reset();
      } else if (c == '\n' || c == t.cc(Termios.VEOL) || (ext && c == t.cc(Termios.VEOL2))) {
        if (t.has(Termios.ECHO) || (c == '\n' && t.has(Termios.ECHONL))) {
          echoRaw(new byte[] {(byte) c});
        }
        line.write(c);
        pushReady(line.toByteArray());
        line.reset();
      } else {
        store(c);
      }
      return;
    }
    store(c);
  }

  /** An ordinary character: into the line (canonical) or straight to the reader (raw), echoed. */
  private void store(int c) {
    if (canonical()) {
      if (line.size() >= MAX_LINE) {
        return;
      }
      line.write(c);
    } else {
      pushReady(new byte[] {(byte) c});
    }
    echoChar(c);
  }

  private void pushReady(byte[] data) {
    if (!canonical() && data.length > 0 && !ready.isEmpty() && ready.peekLast().length < 256) {
      // Raw bytes arrive one at a time: coalesce so a burst does not become thousands of chunks.
      byte[] last = ready.pollLast();
      byte[] merged = java.util.Arrays.copyOf(last, last.length + data.length);
      System.arraycopy(data, 0, merged, last.length, data.length);
      ready.addLast(merged);
    } else {
      ready.addLast(data);
    }
    readyBytes += data.length;
  }

  private void erase(boolean word) {
    byte[] cur = line.toByteArray();
    int end = cur.length;
    if (end == 0) {
      return;
    }
    int start = end;
    if (word) {
      while (start > 0 && (cur[start - 1] == ' ' || cur[start - 1] == '\t')) {
        start--;
      }
      while (start > 0 && cur[start - 1] != ' ' && cur[start - 1] != '\t') {
        start--;
      }
    } else {
      start--;
      // A UTF-8 character goes as a whole (IUTF8): drop its continuation bytes too.
      while ((termios.iflag & Termios.IUTF8) != 0 && start > 0 && (cur[start] & 0xc0) == 0x80) {
        start--;
      }
    }
    line.reset();
    line.write(cur, 0, start);
    Termios t = termios;
    if (!t.has(Termios.ECHO)) {
      return;
    }
    if (t.has(Termios.ECHOE)) {
      for (int i = start; i < end; i++) {
        if ((cur[i] & 0xc0) == 0x80 && (t.iflag & Termios.IUTF8) != 0) {
          continue;
        }
        int width = isControl(cur[i] & 0xff) && t.has(Termios.ECHOCTL) ? 2 : 1;
        for (int w = 0; w < width; w++) {
          echoRaw(new byte[] {'\b', ' ', '\b'});
        }
      }
    } else {
      echoChar(t.cc(word ? Termios.VWERASE : Termios.VERASE));
    }
  }

  private void kill() {
    Termios t = termios;
    if (t.has(Termios.ECHO) && t.has(Termios.ECHOKE) && t.has(Termios.ECHOE)) {
      while (line.size() > 0) {
        erase(false);
      }
      return;
    }
    line.reset();
    if (t.has(Termios.ECHO)) {
      echoChar(t.cc(Termios.VKILL));
      if (t.has(Termios.ECHOK)) {
        echoRaw(new byte[] {'\n'});
      }
    }
  }

  private static boolean isControl(int c) {
    return (c < 0x20 && c != '\t' && c != '\n') || c == 0x7f;
  }

  /** Echoes one input character, control characters as ^X under ECHOCTL. */
  private void echoChar(int c) {
    Termios t = termios;
    if (c < 0 || !t.has(Termios.ECHO)) {
      return;
    }
    if (t.has(Termios.ECHOCTL) && isControl(c)) {
      echoRaw(new byte[] {'^', (byte) (c ^ 0x40)});
    } else {
      echoRaw(new byte[] {(byte) c});
    }
  }

  private void echoRaw(byte[] b) {
    echo.accept(postProcess(b, 0, b.length));
  }

  /**
   * Takes what read(2) of {@code max} bytes returns, or null when nothing is readable. Canonical mode returns at
   * most one line (an empty array for an EOF); raw mode as much as there is, up to {@code max}.
   */
  byte[] take(int max) {
    if (ready.isEmpty() || max <= 0) {
      return null;
    }
    if (canonical()) {
      byte[] first = ready.pollFirst();
      if (first.length > max) {
        ready.addFirst(java.util.Arrays.copyOfRange(first, max, first.length));
        first = java.util.Arrays.copyOf(first, max);
      }
      readyBytes -= first.length;
      return first;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while (!ready.isEmpty() && out.size() < max) {
      byte[] chunk = ready.pollFirst();
      int n = Math.min(chunk.length, max - out.size());
      out.write(chunk, 0, n);
      if (n < chunk.length) {
        ready.addFirst(java.util.Arrays.copyOfRange(chunk, n, chunk.length));
      }
    }
    readyBytes -= out.size();
    return out.toByteArray();
  }

  /** Output post-processing of bytes the guest writes (and of echoes): OPOST with ONLCR, OCRNL, ONLRET, OLCUC. */
  byte[] postProcess(byte[] in, int off, int len) {
    Termios t = termios;
    if ((t.oflag & Termios.OPOST) == 0) {
      return java.util.Arrays.copyOfRange(in, off, off + len);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(len + 16);
    for (int i = off; i < off + len; i++) {
      int c = in[i] & 0xff;
      if (c == '\n' && (t.oflag & Termios.ONLCR) != 0) {
        out.write('\r');
      } else if (c == '\r' && (t.oflag & Termios.OCRNL) != 0) {
        c = '\n';
      } else if ((t.oflag & Termios.OLCUC) != 0 && c >= 'a' && c <= 'z') {
        c -= 32;
      }
      out.write(c);
    }
    return out.toByteArray();
  }
}
