package dev.jvisor.sentry.mm;

import dev.jvisor.host.LibC;
import dev.jvisor.sentry.arch.X86;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * Guest-physical memory: one sparse memfd mapped into the JVM and (by the platform) into the guest at GPA 0.
 * Frames are handed out by a bitmap allocator and reference-counted (a frame shared copy-on-write after fork, or
 * by a MAP_SHARED area, has one reference per mapping); when the last reference goes, the frame's backing is
 * punched out of the memfd so the host gets the memory back, and the punch also drops every cached guest
 * translation of it. Punches are batched into runs of adjacent frames: each one is a syscall plus a TLB shootdown
 * in KVM, and tearing down an exec'd-over address space frees hundreds of frames at once. The first {@link #RESERVED_BYTES} are never handed out (room for the platform's fixed
 * structures at low addresses and to keep GPA 0 unused).
 */
public final class PhysicalMemory implements AutoCloseable {
  public static final long RESERVED_BYTES = 1 << 20;
  private static final long CHUNK = 1L << 30;

  private final int memfd;
  private final long size;
  private final long hostBase;
  private final ByteBuffer[] chunks;
  private final BitSet used;
  /** References per frame; 0 for free frames. */
  private final int[] refs;
  private final int frames;
  private int nextHint;
  private int inUse;
  /** At most this many frames may be in use (the memory limit, lowered by {@link #limit}); guarded by this. */
  private int allowed;
  private final PageCache pageCache;

  public PhysicalMemory(long size) {
    if (size % X86.PAGE_SIZE != 0 || size <= RESERVED_BYTES) {
      throw new IllegalArgumentException("bad guest memory size " + size);
    }
    this.size = size;
    this.memfd = LibC.check("memfd_create", LibC.memfd_create("jvisor-guest", LibC.MFD_CLOEXEC));
    LibC.check("ftruncate", LibC.ftruncate(memfd, size));
    this.hostBase = LibC.check("mmap", LibC.mmap(0, size, LibC.PROT_READ | LibC.PROT_WRITE,
        LibC.MAP_SHARED | LibC.MAP_NORESERVE, memfd, 0));
    int n = (int) ((size + CHUNK - 1) / CHUNK);
    chunks = new ByteBuffer[n];
    for (int i = 0; i < n; i++) {
      long len = Math.min(CHUNK, size - i * CHUNK);
      chunks[i] = LibC.buffer(hostBase + i * CHUNK, len);
    }
    frames = (int) (size / X86.PAGE_SIZE);
    used = new BitSet(frames);
    refs = new int[frames];
    used.set(0, (int) (RESERVED_BYTES / X86.PAGE_SIZE));
    nextHint = (int) (RESERVED_BYTES / X86.PAGE_SIZE);
    allowed = frames - (int) (RESERVED_BYTES / X86.PAGE_SIZE);
    pageCache = new PageCache(this, (int) Math.min(frames / 8, MAX_CACHED_FRAMES));
  }

  /** At most 64 MiB of file pages are cached (and at most an eighth of guest memory). */
  private static final long MAX_CACHED_FRAMES = 16384;

  /** The file page cache living in this memory. */
  public PageCache pageCache() {
    return pageCache;
  }

  public long size() {
    return size;
  }

  public long hostBase() {
    return hostBase;
  }

  public int memfd() {
    return memfd;
  }

  /**
   * Caps the guest memory that may be in use at {@code bytes} (the reserved low area included, as in {@link
   * #size}), like writing a memory cgroup's limit: at most the size the memory was made with (the guest's memory
   * cannot grow), and not below what is in use once the page cache gave back what it could (cgroup v1's EBUSY).
   * Returns false, changing nothing, in the latter case.
   */
  public boolean limit(long bytes) {
    if (bytes > size || bytes <= RESERVED_BYTES) {
      throw new IllegalArgumentException("memory limit " + bytes + " is not within (" + RESERVED_BYTES + ", "
          + size + "]");
    }
    int cap = (int) ((bytes - RESERVED_BYTES) / X86.PAGE_SIZE);
    synchronized (this) {
      if (inUse <= cap) {
        allowed = cap;
        return true;
      }
    }
    pageCache.shrink(); // not under this lock: the cache locks itself first (see PageCache)
    synchronized (this) {
      if (inUse <= cap) {
        allowed = cap;
        return true;
      }
      return false;
    }
  }

  /** The memory limit in bytes: {@link #size} unless {@link #limit} lowered it. */
  public synchronized long limitBytes() {
    return RESERVED_BYTES + (long) allowed * X86.PAGE_SIZE;
  }

  /** Frames currently allocated (excluding the reserved low area), the page cache's reclaimable ones included. */
  public synchronized int framesInUse() {
    return inUse;
  }

  /** Told each time an allocation finds no free frame, even after the page cache gave back what it could. */
  private volatile Runnable onExhausted = () -> { };

  /**
   * Sets what runs when an allocation fails for good. It runs on the allocating thread, before -1 is returned, so
   * the kernel knows which task wanted the frame (its OOM killer ends that task's process); it must not allocate.
   */
  public void onExhausted(Runnable listener) {
    onExhausted = listener;
  }

  /**
   * Allocates one zeroed frame and returns its guest-physical address, or -1 when guest memory is exhausted even
   * after the page cache gave back what it could.
   */
  public long allocateFrame() {
    long f = tryAllocateFrame();
    if (f < 0 && pageCache.shrink()) {
      f = tryAllocateFrame();
    }
    if (f < 0) {
      onExhausted.run();
    }
    return f;
  }

  private synchronized long tryAllocateFrame() {
    if (inUse >= allowed) {
      return -1;
    }
    int f = used.nextClearBit(nextHint);
    if (f >= frames) {
      f = used.nextClearBit((int) (RESERVED_BYTES / X86.PAGE_SIZE));
      if (f >= frames) {
        return -1;
      }
    }
    used.set(f);
    refs[f] = 1;
    inUse++;
    nextHint = f + 1;
    return (long) f << X86.PAGE_SHIFT;
  }

  private int frameIndex(long gpa) {
    int f = (int) (gpa >>> X86.PAGE_SHIFT);
    if (f < RESERVED_BYTES / X86.PAGE_SIZE || f >= frames || !used.get(f)) {
      throw new IllegalStateException("frame not allocated: 0x" + Long.toHexString(gpa));
    }
    return f;
  }

  /** Adds a reference to an allocated frame (one more mapping shares it). */
  public synchronized void retain(long gpa) {
    refs[frameIndex(gpa)]++;
  }

  /** References to an allocated frame: 1 means the caller's mapping is its only user. */
  public synchronized int refCount(long gpa) {
    return refs[frameIndex(gpa)];
  }

  /** Drops one reference; the last one frees the frame (punched: it reads as zero when reused). */
  public void freeFrame(long gpa) {
    release(new long[] {gpa}, 1);
  }

  /**
   * Drops one reference to each of {@code gpas[0..n)}. Frames whose last reference went are freed with one punch
   * per run of adjacent frames. Returns how many frames are still referenced; they are moved to the front of
   * {@code gpas}, for the caller to invalidate (its mapping of them is gone, other mappings keep them).
   */
  public synchronized int release(long[] gpas, int n) {
    int kept = 0;
    int freed = 0;
    long[] gone = new long[n];
    for (int i = 0; i < n; i++) {
      int f = frameIndex(gpas[i]);
      if (--refs[f] > 0) {
        gpas[kept++] = gpas[i];
      } else {
        gone[freed++] = gpas[i];
      }
    }
    FrameRuns.forEach(gone, freed,
        (gpa, length) -> LibC.fallocate(memfd, LibC.FALLOC_FL_PUNCH_HOLE | LibC.FALLOC_FL_KEEP_SIZE, gpa, length));
    for (int i = 0; i < freed; i++) {
      int f = (int) (gone[i] >>> X86.PAGE_SHIFT);
      used.clear(f);
      inUse--;
      if (f < nextHint) {
        nextHint = f;
      }
    }
    return kept;
  }

  /** Host address of a guest-physical address (for host calls that read or write guest memory directly). */
  public long hostAddress(long gpa) {
    checkRange(gpa, 1);
    return hostBase + gpa;
  }

  private void checkRange(long gpa, long len) {
    if (gpa < 0 || len < 0 || gpa + len > size) {
      throw new IndexOutOfBoundsException("guest-physical 0x" + Long.toHexString(gpa) + "+" + len);
    }
  }

  private ByteBuffer chunk(long gpa) {
    return chunks[(int) (gpa / CHUNK)];
  }

  public long getLong(long gpa) {
    checkRange(gpa, 8);
    return chunk(gpa).getLong((int) (gpa % CHUNK));
  }

  public void putLong(long gpa, long v) {
    checkRange(gpa, 8);
    chunk(gpa).putLong((int) (gpa % CHUNK), v);
  }

  public int getInt(long gpa) {
    checkRange(gpa, 4);
    return chunk(gpa).getInt((int) (gpa % CHUNK));
  }

  private static final java.lang.invoke.VarHandle INTS =
      java.lang.invoke.MethodHandles.byteBufferViewVarHandle(int[].class, java.nio.ByteOrder.LITTLE_ENDIAN);

  /** A 4-byte-aligned int read with acquire semantics (memory shared with a running vCPU). */
  public int getIntAcquire(long gpa) {
    checkRange(gpa, 4);
    return (int) INTS.getAcquire(chunk(gpa), (int) (gpa % CHUNK));
  }

  public void setIntRelease(long gpa, int v) {
    checkRange(gpa, 4);
    INTS.setRelease(chunk(gpa), (int) (gpa % CHUNK), v);
  }

  public boolean compareAndSetInt(long gpa, int expected, int v) {
    checkRange(gpa, 4);
    return INTS.compareAndSet(chunk(gpa), (int) (gpa % CHUNK), expected, v);
  }

  public byte getByte(long gpa) {
    checkRange(gpa, 1);
    return chunk(gpa).get((int) (gpa % CHUNK));
  }

  /** Copies within one frame (callers split at page boundaries). */
  public void read(long gpa, byte[] dst, int off, int len) {
    checkRange(gpa, len);
    chunk(gpa).get((int) (gpa % CHUNK), dst, off, len);
  }

  public void write(long gpa, byte[] src, int off, int len) {
    checkRange(gpa, len);
    chunk(gpa).put((int) (gpa % CHUNK), src, off, len);
  }

  public void zero(long gpa, int len) {
    checkRange(gpa, len);
    ByteBuffer c = chunk(gpa);
    int base = (int) (gpa % CHUNK);
    for (int i = 0; i < len; i += 8) {
      c.putLong(base + i, 0);
    }
  }

  /** Copies one whole frame to another (copy-on-write breaks, fork). */
  public void copyFrame(long fromGpa, long toGpa) {
    checkRange(fromGpa, X86.PAGE_SIZE);
    checkRange(toGpa, X86.PAGE_SIZE);
    chunk(toGpa).put((int) (toGpa % CHUNK), chunk(fromGpa), (int) (fromGpa % CHUNK), (int) X86.PAGE_SIZE);
  }

  @Override
  public void close() {
    LibC.munmap(hostBase, size);
    LibC.close(memfd);
  }
}
