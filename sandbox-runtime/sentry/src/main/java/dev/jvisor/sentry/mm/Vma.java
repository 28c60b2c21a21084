package dev.jvisor.sentry.mm;

/**
 * A virtual memory area: [start, end) with one protection and one backing. File-backed areas read their pages
 * from {@link #file} at {@code fileOffset + (va - start)}; copy-on-write is implicit because every page gets its
 * own frame (MAP_PRIVATE), the only mode the Sentry maps files with.
 */
public final class Vma {
  public static final int PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;

  final long start;
  final long end;
  final int prot;
  final boolean shared;
  final Backing file;
  final long fileOffset;
  final String name;
  /** Grows down (the main stack): faults just below it extend it. */
  final boolean growsDown;
  /**
   * mprotect may not add PROT_WRITE (Linux's VM_MAYWRITE is clear): a MAP_SHARED mapping of a file not open for
   * writing. The Sentry maps it privately, so a write allowed later would silently not reach the file.
   */
  final boolean writeLocked;

  Vma(long start, long end, int prot, boolean shared, Backing file, long fileOffset, String name,
      boolean growsDown, boolean writeLocked) {
    this.start = start;
    this.end = end;
    this.prot = prot;
    this.shared = shared;
    this.file = file;
    this.fileOffset = fileOffset;
    this.name = name;
    this.growsDown = growsDown;
    this.writeLocked = writeLocked;
  }

  Vma slice(long s, long e) {
    return new Vma(s, e, prot, shared, file, file == null ? 0 : fileOffset + (s - start), name, growsDown,
        writeLocked);
  }

  Vma withProt(int p) {
    return new Vma(start, end, p, shared, file, fileOffset, name, growsDown, writeLocked);
  }

  public long start() {
    return start;
  }

  public long end() {
    return end;
  }

  public int prot() {
    return prot;
  }

  public boolean shared() {
    return shared;
  }

  public String name() {
    return name;
  }

  public Backing file() {
    return file;
  }

  public long fileOffset() {
    return fileOffset;
  }

  /** Where a file-backed VMA's bytes come from. */
  public interface Backing {
    /** Reads up to {@code len} bytes at {@code offset} into host memory at {@code hostAddress}; returns bytes read. */
    int readInto(long offset, long hostAddress, int len);

    /** For /proc/self/maps: device, inode, path. */
    String describe();

    long inode();

    /**
     * The identity and version of the file's contents for the {@link PageCache}, or null if its pages must not
     * be shared (contents that change without a new identity, such as in-memory files).
     */
    default Object pageCacheKey() {
      return null;
    }
  }
}
