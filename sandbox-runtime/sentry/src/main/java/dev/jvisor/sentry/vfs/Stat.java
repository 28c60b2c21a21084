package dev.jvisor.sentry.vfs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** struct stat (x86-64, 144 bytes) as the guest sees it. */
public record Stat(long dev, long ino, long nlink, int mode, int uid, int gid, long rdev, long size, long blksize,
    long blocks, long atimeNs, long mtimeNs, long ctimeNs) {
  public static final int SIZE = 144;

  public static Stat synthetic(long ino, NodeType type, int perm, long size, long timeNs) {
    return new Stat(0x2a, ino, type == NodeType.DIRECTORY ? 2 : 1, type.ifmt | (perm & 07777), 0, 0, 0, size, 4096,
        (size + 511) / 512, timeNs, timeNs, timeNs);
  }

  /** Parses the host's struct stat (same ABI: the Sentry runs on x86-64 Linux). */
  public static Stat fromHost(ByteBuffer b) {
    b.order(ByteOrder.LITTLE_ENDIAN);
    return new Stat(b.getLong(0), b.getLong(8), b.getLong(16), b.getInt(24), b.getInt(28), b.getInt(32),
        b.getLong(40), b.getLong(48), b.getLong(56), b.getLong(64),
        b.getLong(72) * 1_000_000_000L + b.getLong(80), b.getLong(88) * 1_000_000_000L + b.getLong(96),
        b.getLong(104) * 1_000_000_000L + b.getLong(112));
  }

  public NodeType type() {
    return NodeType.ofMode(mode);
  }

  public Stat withSize(long s) {
    return new Stat(dev, ino, nlink, mode, uid, gid, rdev, s, blksize, (s + 511) / 512, atimeNs, mtimeNs, ctimeNs);
  }

  public Stat withMode(int m) {
    return new Stat(dev, ino, nlink, m, uid, gid, rdev, size, blksize, blocks, atimeNs, mtimeNs, ctimeNs);
  }

  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, dev).putLong(8, ino).putLong(16, nlink).putInt(24, mode).putInt(28, uid).putInt(32, gid)
        .putLong(40, rdev).putLong(48, size).putLong(56, blksize).putLong(64, blocks)
        .putLong(72, atimeNs / 1_000_000_000L).putLong(80, atimeNs % 1_000_000_000L)
        .putLong(88, mtimeNs / 1_000_000_000L).putLong(96, mtimeNs % 1_000_000_000L)
        .putLong(104, ctimeNs / 1_000_000_000L).putLong(112, ctimeNs % 1_000_000_000L);
    return b.array();
  }

  /** struct statx (256 bytes) for statx(2). */
  public byte[] toStatx() {
    ByteBuffer b = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 0x7ff); // stx_mask: STATX_BASIC_STATS
    b.putInt(4, (int) blksize).putLong(8, 0).putInt(16, (int) nlink).putInt(20, uid).putInt(24, gid)
        .putShort(28, (short) mode).putLong(32, ino).putLong(40, size).putLong(48, blocks);
    putTs(b, 64, atimeNs);
    putTs(b, 80, ctimeNs); // btime
    putTs(b, 96, ctimeNs);
    putTs(b, 112, mtimeNs);
    b.putInt(128, (int) (rdev >>> 8) & 0xfff).putInt(132, (int) (rdev & 0xff));
    b.putInt(136, (int) (dev >>> 8) & 0xfff).putInt(140, (int) (dev & 0xff));
    return b.array();
  }

  private static void putTs(ByteBuffer b, int at, long ns) {
    b.putLong(at, ns / 1_000_000_000L).putInt(at + 8, (int) (ns % 1_000_000_000L));
  }
}
