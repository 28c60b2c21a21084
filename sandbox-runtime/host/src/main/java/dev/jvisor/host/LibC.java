package dev.jvisor.host;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * libc, bound by JNA direct mapping ({@code Native.register}): primitive arguments only, pointers as {@code long}.
 * Each raw call returns what libc returns; the {@code check*} helpers turn -1 into a {@link HostException} that
 * names the call and errno. Man-page names and argument orders are kept verbatim.
 */
public final class LibC {
  static {
    Native.register(NativeLibrary.getInstance("c"));
  }

  public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0100, O_EXCL = 0200,
      O_NOCTTY = 0400, O_TRUNC = 01000, O_APPEND = 02000, O_NONBLOCK = 04000, O_DIRECTORY = 0200000,
      O_NOFOLLOW = 0400000, O_CLOEXEC = 02000000, O_PATH = 010000000;
  public static final int AT_FDCWD = -100, AT_SYMLINK_NOFOLLOW = 0x100, AT_REMOVEDIR = 0x200,
      AT_EMPTY_PATH = 0x1000;
  /** utimensat's tv_nsec for "leave this time unchanged". */
  public static final long UTIME_OMIT = (1L << 30) - 2;
  public static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
  public static final int MAP_SHARED = 1, MAP_PRIVATE = 2, MAP_ANONYMOUS = 0x20, MAP_NORESERVE = 0x4000;
  public static final long MAP_FAILED = -1L;
  public static final int MFD_CLOEXEC = 1;
  public static final int MADV_DONTNEED = 4, MADV_REMOVE = 9;
  public static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;
  public static final long SYS_openat2 = 437, SYS_getdents64 = 217, SYS_gettid = 186, SYS_tgkill = 234;
  /** openat2 resolve flags (linux/openat2.h). */
  public static final long RESOLVE_NO_XDEV = 0x01, RESOLVE_NO_MAGICLINKS = 0x02, RESOLVE_NO_SYMLINKS = 0x04,
      RESOLVE_BENEATH = 0x08, RESOLVE_IN_ROOT = 0x10;

  private LibC() {}

  public static native int open(String path, int flags, int mode);

  public static native int close(int fd);

  public static native int ioctl(int fd, long request, long arg);

  public static native long mmap(long addr, long length, int prot, int flags, int fd, long offset);

  public static native int munmap(long addr, long length);

  public static native int madvise(long addr, long length, int advice);

  public static native int mprotect(long addr, long length, int prot);

  public static native int sigaction(int signum, long act, long oldact);

  public static native int pthread_sigmask(int how, long set, long oldset);

  public static native int memfd_create(String name, int flags);

  public static native int ftruncate(int fd, long length);

  public static native int fallocate(int fd, int mode, long offset, long len);

  public static native long read(int fd, long buf, long count);

  public static native long write(int fd, long buf, long count);

  public static native long pread(int fd, long buf, long count, long offset);

  public static native long pwrite(int fd, long buf, long count, long offset);

  public static native long lseek(int fd, long offset, int whence);

  public static native int fstat(int fd, long statbuf);

  public static native int fstatat(int dirfd, String path, long statbuf, int flags);

  public static native long readlinkat(int dirfd, String path, long buf, long bufsiz);

  // The *at calls of a writable host directory: every path is one NUL-terminated name (a pointer) relative to a
  // directory fd that openat2 resolved inside the sandbox's root (see HostFiles).

  public static native int openat(int dirfd, long path, int flags, int mode);

  public static native int mkdirat(int dirfd, long path, int mode);

  public static native int unlinkat(int dirfd, long path, int flags);

  public static native int renameat(int olddirfd, long oldpath, int newdirfd, long newpath);

  public static native int symlinkat(long target, int newdirfd, long linkpath);

  public static native int fchmodat(int dirfd, long path, int mode, int flags);

  public static native int fchownat(int dirfd, long path, int owner, int group, int flags);

  public static native int utimensat(int dirfd, long path, long times, int flags);

  public static native int futimens(int fd, long times);

  public static native int fchmod(int fd, int mode);

  public static native int fsync(int fd);

  public static native int fdatasync(int fd);

  public static native int isatty(int fd);

  public static native int poll(long fds, long nfds, int timeout);

  public static native int socket(int domain, int type, int protocol);

  public static native int connect(int fd, long addr, int addrlen);

  public static native long sendmsg(int fd, long msg, int flags);

  public static native int dup(int fd);

  public static native int dup3(int oldfd, int newfd, int flags);

  public static native int chdir(String path);

  public static native int mount(String source, String target, String filesystemtype, long mountflags, String data);

  public static native int umount2(String target, int flags);

  public static native int pipe2(long fds, int flags);

  public static native int fcntl(int fd, int cmd, long arg);

  public static native long syscall(long number, long a0, long a1, long a2, long a3);

  public static native int getpid();

  public static native int getppid();

  public static native long pthread_self();

  public static native int pthread_kill(long thread, int sig);

  /** Signal used to kick a vCPU thread out of KVM_RUN (a real-time signal the JVM does not use). */
  public static final int SIG_KICK = 40;

  private static volatile boolean kickHandlerInstalled;

  /**
   * Installs a do-nothing handler for {@link #SIG_KICK} (without SA_RESTART) so that the signal interrupts a
   * blocking KVM_RUN with EINTR instead of killing the process. The handler is libc's getpid: async-signal-safe
   * and free of side effects, so no Java code ever runs in signal context.
   */
  public static synchronized void installKickHandler() {
    if (kickHandlerInstalled) {
      return;
    }
    long getpid = Pointer.nativeValue(NativeLibrary.getInstance("c").getFunction("getpid"));
    long act = allocate(152); // glibc struct sigaction: handler, sa_mask[128], sa_flags, sa_restorer
    try {
      new Pointer(act).clear(152);
      new Pointer(act).setLong(0, getpid);
      check("sigaction", sigaction(SIG_KICK, act, 0));
    } finally {
      free(act);
    }
    kickHandlerInstalled = true;
  }

  /** errno of the last call on this thread (JNA saves it after every direct call). */
  public static int errno() {
    return Native.getLastError();
  }

  /** -1 becomes a HostException naming {@code call}; anything else is returned. */
  public static int check(String call, int rc) {
    if (rc == -1) {
      throw new HostException(call, errno());
    }
    return rc;
  }

  public static long check(String call, long rc) {
    if (rc == -1) {
      throw new HostException(call, errno());
    }
    return rc;
  }

  /** A direct ByteBuffer in native order over native memory we own (e.g. an mmap result). */
  public static ByteBuffer buffer(long address, long length) {
    return new Pointer(address).getByteBuffer(0, length).order(ByteOrder.nativeOrder());
  }

  /** Native scratch memory (not freed by GC; callers keep it for the life of a thread or object). */
  public static long allocate(long size) {
    long p = Native.malloc(size);
    if (p == 0) {
      throw new OutOfMemoryError("malloc(" + size + ")");
    }
    return p;
  }

  public static void free(long p) {
    Native.free(p);
  }

  public static void copyIn(long address, byte[] src, int off, int len) {
    new Pointer(address).write(0, src, off, len);
  }

  public static void copyOut(long address, byte[] dst, int off, int len) {
    new Pointer(address).read(0, dst, off, len);
  }

  /** Returns -errno for a failed raw call result (-1), else the value: the Linux syscall convention. */
  public static long orNegErrno(long rc) {
    return rc == -1 ? -errno() : rc;
  }
}
