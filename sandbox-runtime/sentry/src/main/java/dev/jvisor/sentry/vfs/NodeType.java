package dev.jvisor.sentry.vfs;

/** File types with their S_IFMT bits and d_type values. */
public enum NodeType {
  REGULAR(0100000, 8), DIRECTORY(0040000, 4), SYMLINK(0120000, 10), CHAR_DEVICE(0020000, 2), FIFO(0010000, 1),
  SOCKET(0140000, 12), BLOCK_DEVICE(0060000, 6);

  public final int ifmt;
  public final int dtype;

  NodeType(int ifmt, int dtype) {
    this.ifmt = ifmt;
    this.dtype = dtype;
  }

  public static NodeType ofMode(int mode) {
    int fmt = mode & 0170000;
    for (NodeType t : values()) {
      if (t.ifmt == fmt) {
        return t;
      }
    }
    return REGULAR;
  }
}
