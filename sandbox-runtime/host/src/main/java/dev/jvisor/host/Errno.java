package dev.jvisor.host;

/** Linux errno values (asm-generic/errno-base.h, errno.h) with their kernel spellings. */
public final class Errno {
  public static final int EPERM = 1, ENOENT = 2, ESRCH = 3, EINTR = 4, EIO = 5, ENXIO = 6, E2BIG = 7,
      ENOEXEC = 8, EBADF = 9, ECHILD = 10, EAGAIN = 11, ENOMEM = 12, EACCES = 13, EFAULT = 14, ENOTBLK = 15,
      EBUSY = 16, EEXIST = 17, EXDEV = 18, ENODEV = 19, ENOTDIR = 20, EISDIR = 21, EINVAL = 22, ENFILE = 23,
      EMFILE = 24, ENOTTY = 25, ETXTBSY = 26, EFBIG = 27, ENOSPC = 28, ESPIPE = 29, EROFS = 30, EMLINK = 31,
      EPIPE = 32, EDOM = 33, ERANGE = 34, EDEADLK = 35, ENAMETOOLONG = 36, ENOLCK = 37, ENOSYS = 38,
      ENOTEMPTY = 39, ELOOP = 40, ENOMSG = 42, ENODATA = 61, ETIME = 62, EOVERFLOW = 75, EILSEQ = 84,
      ENOTSOCK = 88, EOPNOTSUPP = 95, EAFNOSUPPORT = 97, EADDRINUSE = 98, ECONNREFUSED = 111,
      ETIMEDOUT = 110, ECANCELED = 125, ELIBBAD = 80, ENOTSUP = 95, EMSGSIZE = 90, EPROTOTYPE = 91,
      ENOPROTOOPT = 92, EPROTONOSUPPORT = 93, ESOCKTNOSUPPORT = 94, ENOBUFS = 105, EISCONN = 106, ENOTCONN = 107;

  private static final String[] NAMES = new String[134];

  static {
    for (var f : Errno.class.getFields()) {
      if (f.getType() == int.class) {
        try {
          int v = f.getInt(null);
          if (v >= 0 && v < NAMES.length && NAMES[v] == null) {
            NAMES[v] = f.getName();
          }
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
  }

  private Errno() {}

  /** The kernel's name for {@code errno} ("EFAULT"), or "errno N" when unnamed here. */
  public static String name(int errno) {
    return errno >= 0 && errno < NAMES.length && NAMES[errno] != null ? NAMES[errno] : "errno " + errno;
  }
}
