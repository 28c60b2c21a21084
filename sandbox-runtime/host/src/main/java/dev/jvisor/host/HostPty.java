package dev.jvisor.host;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Host pseudo-terminals for runc's {@code --console-socket} protocol: a new pty master, handed to the caller's
 * unix socket with SCM_RIGHTS (the slave's name as the message), and the slave's raw mode and window size for
 * the side that bridges it to a Sentry terminal.
 */
public final class HostPty {
  static final long TIOCGPTN = 0x80045430L, TIOCSPTLCK = 0x40045431L;
  static final long TCGETS = 0x5401, TCSETS = 0x5402, TIOCGWINSZ = 0x5413;
  static final int AF_UNIX = 1, SOCK_STREAM = 1, SOCK_CLOEXEC = 02000000, SOL_SOCKET = 1, SCM_RIGHTS = 1;
  /** sockaddr_un: a 2-byte family and 108 bytes of path. */
  static final int SOCKADDR_UN = 110;

  private HostPty() {}

  /** A master fd (close-on-exec) and the path of its slave, which nobody has opened yet. */
  public record Master(int fd, String slavePath) {}

  public static Master open() {
    int fd = LibC.open("/dev/ptmx", LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      throw new HostException("open /dev/ptmx", LibC.errno());
    }
    int rc = HostFiles.ioctl(fd, TIOCSPTLCK, new byte[4]);
    byte[] n = new byte[4];
    if (rc >= 0) {
      rc = HostFiles.ioctl(fd, TIOCGPTN, n);
    }
    if (rc < 0) {
      LibC.close(fd);
      throw new HostException("unlocking the pty", -rc);
    }
    return new Master(fd, "/dev/pts/" + ByteBuffer.wrap(n).order(ByteOrder.LITTLE_ENDIAN).getInt());
  }

  /**
   * Connects to {@code socketPath} and sends {@code fd} with SCM_RIGHTS, {@code name} as the data, as runc does
   * (go-runc's ReceiveMaster reads exactly this).
   */
  public static void sendFd(String socketPath, int fd, String name) {
    byte[] path = socketPath.getBytes(StandardCharsets.UTF_8);
    byte[] data = name.getBytes(StandardCharsets.UTF_8);
    if (path.length >= SOCKADDR_UN - 2 || data.length == 0 || data.length > 4096) {
      throw new IllegalArgumentException("console socket path or pty name out of range");
    }
    int s = LibC.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (s < 0) {
      throw new HostException("socket", LibC.errno());
    }
    try (Memory addr = new Memory(SOCKADDR_UN); Memory payload = new Memory(data.length);
        Memory iov = new Memory(16); Memory control = new Memory(24); Memory msg = new Memory(56)) {
      addr.clear();
      addr.setShort(0, (short) AF_UNIX);
      addr.write(2, path, 0, path.length);
      if (LibC.connect(s, Pointer.nativeValue(addr), SOCKADDR_UN) < 0) {
        throw new HostException("connect " + socketPath, LibC.errno());
      }
      payload.write(0, data, 0, data.length);
      iov.setLong(0, Pointer.nativeValue(payload));
      iov.setLong(8, data.length);
      control.clear();
      control.setLong(0, 20); // CMSG_LEN(sizeof(int))
      control.setInt(8, SOL_SOCKET);
      control.setInt(12, SCM_RIGHTS);
      control.setInt(16, fd);
      msg.clear();
      msg.setLong(16, Pointer.nativeValue(iov));
      msg.setLong(24, 1);
      msg.setLong(32, Pointer.nativeValue(control));
      msg.setLong(40, 24); // CMSG_SPACE(sizeof(int))
      if (LibC.sendmsg(s, Pointer.nativeValue(msg), 0) < 0) {
        throw new HostException("sendmsg to " + socketPath, LibC.errno());
      }
    } finally {
      LibC.close(s);
    }
  }

  /** cfmakeraw(3) on a terminal fd: the host's line discipline passes bytes through untouched. 0 or -errno. */
  public static int makeRaw(int fd) {
    byte[] t = new byte[36];
    int rc = HostFiles.ioctl(fd, TCGETS, t);
    if (rc < 0) {
      return rc;
    }
    ByteBuffer b = ByteBuffer.wrap(t).order(ByteOrder.LITTLE_ENDIAN);
    int iflag = b.getInt(0) & ~(01 | 02 | 010 | 040 | 0100 | 0200 | 0400 | 02000);
    int oflag = b.getInt(4) & ~01;
    int cflag = (b.getInt(8) & ~(060 | 0400)) | 060;
    int lflag = b.getInt(12) & ~(010 | 0100 | 02 | 01 | 0100000);
    b.putInt(0, iflag).putInt(4, oflag).putInt(8, cflag).putInt(12, lflag);
    t[17 + 6] = 1; // VMIN
    t[17 + 5] = 0; // VTIME
    return Math.min(0, HostFiles.ioctl(fd, TCSETS, t));
  }

  /** TIOCGWINSZ: {columns, rows}, or null when {@code fd} is not a terminal. */
  public static int[] windowSize(int fd) {
    byte[] w = new byte[8];
    if (HostFiles.ioctl(fd, TIOCGWINSZ, w) < 0) {
      return null;
    }
    ByteBuffer b = ByteBuffer.wrap(w).order(ByteOrder.LITTLE_ENDIAN);
    return new int[] {b.getShort(2) & 0xffff, b.getShort(0) & 0xffff};
  }
}
