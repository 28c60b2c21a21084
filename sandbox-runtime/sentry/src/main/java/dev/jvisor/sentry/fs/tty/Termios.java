package dev.jvisor.sentry.fs.tty;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The kernel's {@code struct termios} as TCGETS/TCSETS move it (36 bytes: four flag words, c_line, c_cc[19]), with
 * Linux's flag values and the defaults a fresh pty gets ({@code tty_std_termios}).
 */
public final class Termios {
  public static final int SIZE = 36;
  public static final int NCCS = 19;

  // c_iflag
  public static final int IGNBRK = 01, BRKINT = 02, ISTRIP = 040, INLCR = 0100, IGNCR = 0200, ICRNL = 0400,
      IXON = 02000, IXANY = 04000, IMAXBEL = 020000, IUTF8 = 040000;
  // c_oflag
  public static final int OPOST = 01, OLCUC = 02, ONLCR = 04, OCRNL = 010, ONOCR = 020, ONLRET = 040;
  // c_cflag of a fresh pts slave: B38400 | CS8 | CREAD (no HUPCL, unlike a console)
  public static final int DEFAULT_CFLAG = 017 | 060 | 0200;
  // c_lflag
  public static final int ISIG = 01, ICANON = 02, ECHO = 010, ECHOE = 020, ECHOK = 040, ECHONL = 0100,
      NOFLSH = 0200, TOSTOP = 0400, ECHOCTL = 01000, ECHOKE = 04000, IEXTEN = 0100000;
  // c_cc indices
  public static final int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6, VSTART = 8,
      VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
  /** A c_cc entry of 0 disables that character (_POSIX_VDISABLE). */
  public static final int DISABLED = 0;

  public int iflag = ICRNL | IXON;
  public int oflag = OPOST | ONLCR;
  public int cflag = DEFAULT_CFLAG;
  public int lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  public byte line;
  public final byte[] cc = {3, 034, 0177, 025, 4, 0, 1, 0, 021, 023, 032, 0, 022, 017, 027, 026, 0, 0, 0};

  public boolean has(int lflagBits) {
    return (lflag & lflagBits) == lflagBits;
  }

  /** The control character at {@code index} as an unsigned value, or -1 when disabled. */
  public int cc(int index) {
    int v = cc[index] & 0xff;
    return v == DISABLED ? -1 : v;
  }

  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(iflag).putInt(oflag).putInt(cflag).putInt(lflag).put(line).put(cc);
    return b.array();
  }

  /** Reads all 36 bytes; every bit pattern is accepted, as Linux does (unknown bits are kept and ignored). */
  public static Termios fromBytes(byte[] raw) {
    if (raw.length < SIZE) {
      throw new IllegalArgumentException("termios is " + SIZE + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    Termios t = new Termios();
    t.iflag = b.getInt();
    t.oflag = b.getInt();
    t.cflag = b.getInt();
    t.lflag = b.getInt();
    t.line = b.get();
    b.get(t.cc);
    return t;
  }

  public Termios copy() {
    return fromBytes(toBytes());
  }
}
