package dev.jvisor.sentry.mm;

import static dev.jvisor.sentry.arch.X86.PAGE_MASK;
import static dev.jvisor.sentry.arch.X86.PAGE_SIZE;
import static dev.jvisor.sentry.arch.X86.PTE_ADDR_MASK;
import static dev.jvisor.sentry.arch.X86.PTE_NX;
import static dev.jvisor.sentry.arch.X86.PTE_P;
import static dev.jvisor.sentry.arch.X86.PTE_U;
import static dev.jvisor.sentry.arch.X86.PTE_W;

import dev.jvisor.host.Errno;
import dev.jvisor.sentry.arch.X86;
import dev.jvisor.sentry.platform.Platform;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One process's address space: its VMAs and the page table that realises them. Small mappings are populated at
 * mmap time (a fault costs ~40 us on PVM, far more than filling a PTE); large ones fill on demand,
 * {@link #FAULT_AROUND} pages per fault. Every guest address handed to the copy methods is checked against the
 * VMAs and their protections: a bad pointer yields -EFAULT, never a host error.
 *
 * <p>fork shares frames instead of copying them: private pages become read-only and copy-on-write ({@link
 * #PTE_COW}) in both address spaces, MAP_SHARED anonymous pages stay writable and shared. A write fault on a COW
 * page copies it only if another mapping still references the frame. Most forks are followed by an exec that
 * throws the copy away, so the child touches a few pages and the parent a few dozen; copying every page had made
 * the frees of an exec'd-over copy the largest cost of fork+exec.
 */
public final class MemoryManager {
  public static final int MAP_SHARED = 0x1, MAP_PRIVATE = 0x2, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
      MAP_GROWSDOWN = 0x100, MAP_POPULATE = 0x8000, MAP_FIXED_NOREPLACE = 0x100000;
  /** The Sentry's own mmap flag (no Linux flag uses the bit): the area is {@link Vma#writeLocked}. */
  public static final int MAP_WRITE_LOCKED = 1 << 30;
  public static final long EAGER_LIMIT = 1 << 20;
  public static final int FAULT_AROUND = 16;
  /** Fault-around for file pages the page cache holds. */
  public static final int FILE_FAULT_AROUND = 64;
  /** Software-available PTE bit (the MMU ignores it): the frame is shared copy-on-write, W stays clear. */
  public static final long PTE_COW = 1L << 9;
  /** Lowest address mmap hands out without MAP_FIXED (Linux's mmap_min_addr is 64K). */
  public static final long MMAP_MIN = 0x10000;

  private final Platform platform;
  private final PhysicalMemory memory;
  private final PageTable pageTable;
  private final TreeMap<Long, Vma> vmas = new TreeMap<>();
  private final java.util.concurrent.atomic.AtomicInteger users = new java.util.concurrent.atomic.AtomicInteger(1);
  private long mmapTop;
  private long brkStart;
  private long brk;

  public MemoryManager(Platform platform) {
    this.platform = platform;
    this.memory = platform.memory();
    this.pageTable = platform.newPageTable();
    this.mmapTop = platform.userLimit() - (1L << 30); // leave room below the trampoline for the stack
  }

  /** Top of the main stack: just below the platform's reserved pages, with a guard gap. */
  public long stackTop() {
    return platform.userLimit() - 0x10000;
  }

  public PageTable pageTable() {
    return pageTable;
  }

  public synchronized void setMmapTop(long top) {
    mmapTop = top & PAGE_MASK;
  }

  public synchronized void setBrkStart(long start) {
    brkStart = (start + PAGE_SIZE - 1) & PAGE_MASK;
    brk = brkStart;
  }

  public synchronized List<Vma> vmas() {
    return new ArrayList<>(vmas.values());
  }

  private static long pageUp(long v) {
    return (v + PAGE_SIZE - 1) & PAGE_MASK;
  }

  /** mmap(2). Returns the address or -errno. */
  public synchronized long mmap(long addr, long length, int prot, int flags, Vma.Backing file, long offset,
      String name) {
    if (length <= 0 || (addr & ~PAGE_MASK) != 0 && (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
      return -Errno.EINVAL;
    }
    if ((offset & ~PAGE_MASK) != 0 || offset < 0) {
      return -Errno.EINVAL;
    }
    long len = pageUp(length);
    if (len <= 0 || len > platform.userLimit()) {
      return -Errno.ENOMEM;
    }
    long start;
    if ((flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) != 0) {
      if (addr < MMAP_MIN || addr + len > platform.userLimit() || addr + len < addr) {
        return -Errno.EINVAL;
      }
      if ((flags & MAP_FIXED_NOREPLACE) != 0 && overlaps(addr, addr + len)) {
        return -Errno.EEXIST;
      }
      unmapRange(addr, addr + len);
      start = addr;
    } else {
      start = -1;
      if (addr != 0) {
        long hint = addr & PAGE_MASK;
        if (hint >= MMAP_MIN && hint + len <= platform.userLimit() && hint + len > hint && !overlaps(hint, hint + len)) {
          start = hint;
        }
      }
      if (start < 0) {
        start = findGap(len);
        if (start < 0) {
          return -Errno.ENOMEM;
        }
      }
    }
    boolean shared = (flags & MAP_SHARED) != 0 && file == null;
    Vma vma = new Vma(start, start + len, prot, shared, file, offset, name, (flags & MAP_GROWSDOWN) != 0,
        (flags & MAP_WRITE_LOCKED) != 0);
    vmas.put(start, vma);
    merge(start, start + len);
    // Shared anonymous memory is populated at once so that every page has its frame before a fork shares it.
    if (prot != 0 && (len <= EAGER_LIMIT || (flags & MAP_POPULATE) != 0 || shared)) {
      for (long va = start; va < start + len; va += PAGE_SIZE) {
        if (populate(vma, va)) {
          continue;
        }
        if (!shared) {
          // Populating private memory early only saves faults: the rest faults in on first touch, as Linux's mmap
          // never fails for want of frames (a touch that finds none is the OOM killer's business).
          break;
        }
        unmapRange(start, start + len);
        return -Errno.ENOMEM;
      }
    }
    return start;
  }

  private boolean overlaps(long s, long e) {
    Map.Entry<Long, Vma> f = vmas.lowerEntry(e);
    return f != null && f.getValue().end > s;
  }

  private long findGap(long len) {
    long gapEnd = mmapTop;
    for (Vma v : vmas.descendingMap().values()) {
      if (v.start >= gapEnd) {
        continue;
      }
      if (v.end <= gapEnd - len) {
        return gapEnd - len;
      }
      gapEnd = Math.min(gapEnd, v.start);
    }
    return gapEnd - len >= MMAP_MIN ? gapEnd - len : -1;
  }

  /**
   * Maps one page of {@code vma} at {@code va} with a fresh frame; false when guest memory is exhausted (for the
   * page or for a page table on the way to it).
   */
  private boolean populate(Vma vma, long va) {
    try {
      return populatePage(vma, va);
    } catch (OutOfGuestMemoryException e) {
      return false; // populatePage gave its frame back
    }
  }

  private boolean populatePage(Vma vma, long va) {
    if ((pageTable.lookup(va) & PTE_ADDR_MASK) != 0) {
      return true; // present, or parked behind PROT_NONE
    }
    Object key = vma.file != null && !vma.shared ? vma.file.pageCacheKey() : null;
    long offset = vma.file == null ? 0 : vma.fileOffset + (va - vma.start);
    if (key != null) {
      long cached = memory.pageCache().lookup(key, offset);
      if (cached >= 0) {
        mapOrRelease(va, cached, pteBits(vma.prot, true));
        return true;
      }
    }
    long frame = memory.allocateFrame();
    if (frame < 0) {
      return false;
    }
    if (vma.file != null) {
      vma.file.readInto(offset, memory.hostAddress(frame), (int) PAGE_SIZE);
    }
    if (key != null) {
      // Shared with the cache (and every other process mapping the page): copy-on-write from the first map.
      frame = memory.pageCache().insert(key, offset, frame);
      mapOrRelease(va, frame, pteBits(vma.prot, true));
      return true;
    }
    mapOrRelease(va, frame, pteBits(vma.prot));
    return true;
  }

  /** Maps {@code frame} at {@code va}; if no page table can be had for it, drops the caller's reference first. */
  private void mapOrRelease(long va, long frame, long bits) {
    try {
      pageTable.map(va, frame | bits);
    } catch (OutOfGuestMemoryException e) {
      memory.freeFrame(frame);
      throw e;
    }
  }

  private static long pteBits(int prot) {
    return pteBits(prot, false);
  }

  /** Leaf bits for {@code prot}; a copy-on-write page never gets W until the write fault breaks the sharing. */
  private static long pteBits(int prot, boolean cow) {
    long bits = PTE_P | PTE_U;
    if (cow) {
      bits |= PTE_COW;
    } else if ((prot & Vma.PROT_WRITE) != 0) {
      bits |= PTE_W;
    }
    if ((prot & Vma.PROT_EXEC) == 0) {
      bits |= PTE_NX;
    }
    return bits;
  }

  /** munmap(2). */
  public synchronized int munmap(long addr, long length) {
    if ((addr & ~PAGE_MASK) != 0 || length <= 0 || addr + length < addr) {
      return -Errno.EINVAL;
    }
    unmapRange(addr, Math.min(addr + pageUp(length), platform.userLimit()));
    return 0;
  }

  private void unmapRange(long s, long e) {
    splitAt(s);
    splitAt(e);
    for (Vma v : new ArrayList<>(vmas.subMap(s, true, e, false).values())) {
      vmas.remove(v.start);
      releasePages(v.start, v.end);
    }
  }

  private void releasePages(long s, long e) {
    FrameBatch batch = new FrameBatch();
    pageTable.forEachFrame(s, e, (va, slot, entry) -> { // present, or kept behind PROT_NONE
      memory.putLong(slot, 0);
      batch.add(entry & PTE_ADDR_MASK);
    });
    releaseFrames(batch);
  }

  /**
   * Drops this address space's references. A freed frame is punched, which drops cached translations of it; a
   * frame another mapping still shares is invalidated instead, so this one's stale translations go too.
   */
  private void releaseFrames(FrameBatch batch) {
    int kept = memory.release(batch.frames(), batch.size());
    if (kept > 0) {
      platform.invalidate(batch.frames(), kept);
    }
  }

  /** Splits the VMA containing {@code at} (if any) so that a VMA boundary falls exactly on it. */
  private void splitAt(long at) {
    Map.Entry<Long, Vma> en = vmas.floorEntry(at);
    if (en == null) {
      return;
    }
    Vma v = en.getValue();
    if (v.start < at && at < v.end) {
      vmas.put(v.start, v.slice(v.start, at));
      vmas.put(at, v.slice(at, v.end));
    }
  }

  /** mprotect(2). */
  public synchronized int mprotect(long addr, long length, int prot) {
    if ((addr & ~PAGE_MASK) != 0 || length < 0) {
      return -Errno.EINVAL;
    }
    long e = addr + pageUp(length);
    if (!coveredByVmas(addr, e)) {
      return -Errno.ENOMEM;
    }
    if ((prot & Vma.PROT_WRITE) != 0) {
      for (Vma v : vmas.subMap(vmas.floorKey(addr), true, e, false).values()) {
        if (v.end > addr && v.writeLocked) {
          return -Errno.EACCES;
        }
      }
    }
    splitAt(addr);
    splitAt(e);
    FrameBatch changed = new FrameBatch();
    for (Vma v : new ArrayList<>(vmas.subMap(addr, true, e, false).values())) {
      Vma nv = v.withProt(prot);
      vmas.put(v.start, nv);
      for (long va = v.start; va < v.end; va += PAGE_SIZE) {
        long pte = pageTable.lookup(va);
        boolean cow = (pte & PTE_COW) != 0;
        if ((pte & PTE_P) == 0) {
          if ((pte & PTE_ADDR_MASK) != 0 && prot != 0) {
            pageTable.map(va, (pte & PTE_ADDR_MASK) | pteBits(prot, cow)); // back from PROT_NONE with its data
          } else if (prot != 0 && (v.end - v.start <= EAGER_LIMIT || nv.shared)) {
            populate(nv, va);
          }
          continue;
        }
        if (prot == 0) {
          pageTable.map(va, pte & ~PTE_P); // keep the frame (data survives PROT_NONE), drop access
        } else {
          pageTable.map(va, (pte & PTE_ADDR_MASK) | pteBits(prot, cow));
        }
        changed.add(pte & PTE_ADDR_MASK);
      }
    }
    if (changed.size() > 0) {
      platform.invalidate(changed.frames(), changed.size());
    }
    merge(addr, e);
    return 0;
  }

  /** Joins VMAs in [s, e] with identical neighbours, as Linux does, so later calls see one area. */
  private void merge(long s, long e) {
    Map.Entry<Long, Vma> cur = vmas.floorEntry(s);
    if (cur == null) {
      cur = vmas.ceilingEntry(s);
    }
    while (cur != null && cur.getKey() <= e) {
      Map.Entry<Long, Vma> next = vmas.higherEntry(cur.getKey());
      if (next == null) {
        return;
      }
      Vma a = cur.getValue();
      Vma b = next.getValue();
      if (a.end == b.start && a.prot == b.prot && a.shared == b.shared && a.growsDown == b.growsDown
          && a.writeLocked == b.writeLocked
          && java.util.Objects.equals(a.name, b.name) && a.file == b.file
          && (a.file == null || a.fileOffset + (a.end - a.start) == b.fileOffset)) {
        vmas.remove(b.start);
        vmas.put(a.start, new Vma(a.start, b.end, a.prot, a.shared, a.file, a.fileOffset, a.name, a.growsDown,
            a.writeLocked));
        cur = vmas.floorEntry(a.start);
      } else {
        cur = next;
      }
    }
  }

  private boolean coveredByVmas(long s, long e) {
    long at = s;
    while (at < e) {
      Map.Entry<Long, Vma> en = vmas.floorEntry(at);
      if (en == null || en.getValue().end <= at) {
        return false;
      }
      at = en.getValue().end;
    }
    return true;
  }

  /** brk(2): returns the new (or unchanged) break. */
  public synchronized long brk(long requested) {
    if (requested < brkStart || requested > brkStart + (1L << 40)) {
      return brk;
    }
    long oldTop = pageUp(brk);
    long newTop = pageUp(requested);
    if (newTop > oldTop) {
      if (overlaps(oldTop, newTop)) {
        return brk;
      }
      long r = mmap(oldTop, newTop - oldTop, Vma.PROT_READ | Vma.PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
          null, 0, "[heap]");
      if (r < 0) {
        return brk;
      }
    } else if (newTop < oldTop) {
      unmapRange(newTop, oldTop);
    }
    brk = requested;
    return brk;
  }

  /** mremap(2) with MREMAP_MAYMOVE (1) and MREMAP_FIXED (2): frames move, bytes are never copied. */
  public synchronized long mremap(long oldAddr, long oldLen, long newLen, int flags, long newAddr) {
    if ((oldAddr & ~PAGE_MASK) != 0 || newLen <= 0 || (flags & ~3) != 0) {
      return -Errno.EINVAL;
    }
    oldLen = pageUp(oldLen);
    newLen = pageUp(newLen);
    Map.Entry<Long, Vma> en = vmas.floorEntry(oldAddr);
    if (en == null || en.getValue().end < oldAddr + oldLen || oldLen == 0) {
      return -Errno.EFAULT;
    }
    Vma v = en.getValue();
    if ((flags & 2) == 0) {
      if (newLen <= oldLen) {
        unmapRange(oldAddr + newLen, oldAddr + oldLen);
        return oldAddr;
      }
      if (v.end == oldAddr + oldLen && !overlaps(oldAddr + oldLen, oldAddr + newLen)
          && oldAddr + newLen <= platform.userLimit()) {
        splitAt(oldAddr);
        Vma cur = vmas.get(oldAddr);
        vmas.put(oldAddr, new Vma(oldAddr, oldAddr + newLen, cur.prot, cur.shared, cur.file, cur.fileOffset,
            cur.name, cur.growsDown, cur.writeLocked));
        return oldAddr;
      }
      if ((flags & 1) == 0) {
        return -Errno.ENOMEM;
      }
    }
    long dest;
    if ((flags & 2) != 0) {
      if ((newAddr & ~PAGE_MASK) != 0) {
        return -Errno.EINVAL;
      }
      unmapRange(newAddr, newAddr + newLen);
      dest = newAddr;
    } else {
      dest = findGap(newLen);
      if (dest < 0) {
        return -Errno.ENOMEM;
      }
    }
    splitAt(oldAddr);
    splitAt(oldAddr + oldLen);
    Vma src = vmas.get(oldAddr);
    long moved = Math.min(oldLen, newLen);
    for (long off = 0; off < moved; off += PAGE_SIZE) {
      long pte = pageTable.unmap(oldAddr + off);
      if ((pte & PTE_ADDR_MASK) != 0) { // present, or parked behind PROT_NONE: the frame moves either way
        if ((pte & PTE_P) != 0) {
          platform.invalidate(pte & PTE_ADDR_MASK);
        }
        pageTable.map(dest + off, pte);
      }
    }
    releasePages(oldAddr + moved, oldAddr + oldLen);
    for (Vma old : new ArrayList<>(vmas.subMap(oldAddr, true, oldAddr + oldLen, false).values())) {
      vmas.remove(old.start);
    }
    vmas.put(dest, new Vma(dest, dest + newLen, src.prot, src.shared, src.file, src.fileOffset, src.name,
        src.growsDown, src.writeLocked));
    return dest;
  }

  /**
   * madvise(MADV_DONTNEED): private pages are dropped and read back as zero (or from the file) next time; shared
   * anonymous pages keep their data, as in Linux.
   */
  public synchronized int dontNeed(long addr, long length) {
    if ((addr & ~PAGE_MASK) != 0) {
      return -Errno.EINVAL;
    }
    long e = addr + pageUp(length);
    if (!coveredByVmas(addr, e)) {
      return -Errno.ENOMEM;
    }
    for (Vma v : vmas.subMap(vmas.floorKey(addr), true, e, false).values()) {
      if (!v.shared) {
        releasePages(Math.max(addr, v.start), Math.min(e, v.end));
      }
    }
    return 0;
  }

  /**
   * Resolves a user page fault: maps the page (and {@link #FAULT_AROUND} neighbours) when the access is allowed.
   * {@link FaultResult#SIGSEGV} for an access the VMAs do not allow, {@link FaultResult#OOM} for an allowed one
   * that found no frame.
   */
  public synchronized FaultResult fault(long addr, long errorCode) {
    if (!X86.isUserAddress(addr) || addr >= platform.userLimit()) {
      return FaultResult.SIGSEGV;
    }
    long va = addr & PAGE_MASK;
    Vma v = vmaFor(va);
    if (v == null) {
      return FaultResult.SIGSEGV;
    }
    boolean write = (errorCode & X86.PF_WRITE) != 0;
    boolean exec = (errorCode & X86.PF_INSTR) != 0;
    if (v.prot == 0 || (write && (v.prot & Vma.PROT_WRITE) == 0) || (exec && (v.prot & Vma.PROT_EXEC) == 0)) {
      return FaultResult.SIGSEGV;
    }
    long pte = pageTable.lookup(va);
    if ((pte & PTE_P) != 0) {
      if (write && (pte & PTE_COW) != 0) {
        return breakCow(va, pte, v.prot) ? FaultResult.MAPPED : FaultResult.OOM;
      }
      return FaultResult.MAPPED; // another path mapped it meanwhile: just retry
    }
    // Cached file pages cost only a PTE each to map, and every fault avoided is a VM exit: map more of them.
    int around = v.file != null && !v.shared && v.file.pageCacheKey() != null ? FILE_FAULT_AROUND : FAULT_AROUND;
    long from = Math.max(v.start, va - (around / 2) * PAGE_SIZE);
    long to = Math.min(v.end, from + around * PAGE_SIZE);
    for (long p = from; p < to; p += PAGE_SIZE) {
      if (!populate(v, p)) {
        return p > va ? FaultResult.MAPPED : FaultResult.OOM; // the neighbours were only a bonus
      }
    }
    return FaultResult.MAPPED;
  }

  /** Gives this address space its own writable copy of a copy-on-write page (the frame itself if unshared). */
  private boolean breakCow(long va, long pte, int prot) {
    long frame = pte & PTE_ADDR_MASK;
    long bits = (pte & PTE_P) != 0 ? pteBits(prot) : pteBits(prot) & ~PTE_P;
    if (memory.refCount(frame) == 1) {
      pageTable.map(va, frame | bits);
    } else {
      long copy = memory.allocateFrame();
      if (copy < 0) {
        return false;
      }
      memory.copyFrame(frame, copy);
      pageTable.map(va, copy | bits);
      memory.freeFrame(frame); // not the last reference: the other mappings keep it
    }
    platform.invalidate(frame);
    return true;
  }

  private Vma vmaFor(long va) {
    Map.Entry<Long, Vma> en = vmas.floorEntry(va);
    if (en == null || en.getValue().end <= va) {
      return null;
    }
    return en.getValue();
  }

  /**
   * Host address of guest {@code va}, faulting the page in if the VMA allows the access; -1 for a bad pointer.
   * The result is valid up to the end of va's page.
   */
  public synchronized long hostAddress(long va, boolean write) {
    if (!X86.isUserAddress(va) || va >= platform.userLimit()) {
      return -1;
    }
    long page = va & PAGE_MASK;
    long pte = pageTable.lookup(page);
    if ((pte & PTE_P) == 0 || (write && (pte & PTE_W) == 0)) {
      Vma v = vmaFor(page);
      if (v == null || (write && (v.prot & Vma.PROT_WRITE) == 0) || (!write && (v.prot & Vma.PROT_READ) == 0)) {
        return -1;
      }
      if (fault(va, write ? X86.PF_WRITE : 0) != FaultResult.MAPPED) {
        return -1;
      }
      pte = pageTable.lookup(page);
      if ((pte & PTE_P) == 0 || (write && (pte & PTE_W) == 0)) {
        return -1;
      }
    }
    return memory.hostAddress(pte & PTE_ADDR_MASK) + (va & ~PAGE_MASK);
  }

  /** Copies {@code len} bytes from the guest at {@code va} into {@code dst}; returns len or -EFAULT. */
  public int copyIn(long va, byte[] dst, int off, int len) {
    int done = 0;
    while (done < len) {
      long h = hostAddress(va + done, false);
      if (h < 0) {
        return -Errno.EFAULT;
      }
      int n = (int) Math.min(len - done, PAGE_SIZE - ((va + done) & ~PAGE_MASK));
      long gpa = h - memory.hostAddress(0);
      memory.read(gpa, dst, off + done, n);
      done += n;
    }
    return len;
  }

  /** Copies {@code len} bytes from {@code src} into the guest at {@code va}; returns len or -EFAULT. */
  public int copyOut(long va, byte[] src, int off, int len) {
    int done = 0;
    while (done < len) {
      long h = hostAddress(va + done, true);
      if (h < 0) {
        return -Errno.EFAULT;
      }
      int n = (int) Math.min(len - done, PAGE_SIZE - ((va + done) & ~PAGE_MASK));
      long gpa = h - memory.hostAddress(0);
      memory.write(gpa, src, off + done, n);
      done += n;
    }
    return len;
  }

  /** Writes through the page table ignoring VMA write protection (the loader filling read-only segments). */
  public int poke(long va, byte[] src, int off, int len) {
    synchronized (this) {
      int done = 0;
      while (done < len) {
        long page = (va + done) & PAGE_MASK;
        Vma v = vmaFor(page);
        if (v == null || !populate(v, page)) {
          return -Errno.EFAULT;
        }
        long pte = pageTable.lookup(page);
        if ((pte & PTE_COW) != 0) {
          if (!breakCow(page, pte, v.prot)) {
            return -Errno.EFAULT;
          }
          pte = pageTable.lookup(page);
        }
        int n = (int) Math.min(len - done, PAGE_SIZE - ((va + done) & ~PAGE_MASK));
        memory.write((pte & PTE_ADDR_MASK) + ((va + done) & ~PAGE_MASK), src, off + done, n);
        done += n;
      }
      return len;
    }
  }

  public long readLong(long va) throws BadAddressException {
    byte[] b = new byte[8];
    if (copyIn(va, b, 0, 8) < 0) {
      throw new BadAddressException(va);
    }
    return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
  }

  public int writeLong(long va, long value) {
    byte[] b = new byte[8];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(value);
    return copyOut(va, b, 0, 8);
  }

  public int writeInt(long va, int value) {
    byte[] b = new byte[4];
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(value);
    return copyOut(va, b, 0, 4);
  }

  /** Reads a NUL-terminated string of at most {@code max} bytes; null on a bad pointer or if too long. */
  public String readCString(long va, int max) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    byte[] buf = new byte[(int) PAGE_SIZE];
    long at = va;
    while (out.size() < max) {
      int n = (int) Math.min(PAGE_SIZE - (at & ~PAGE_MASK), max - out.size());
      if (copyIn(at, buf, 0, n) < 0) {
        return null;
      }
      for (int i = 0; i < n; i++) {
        if (buf[i] == 0) {
          out.write(buf, 0, i);
          return out.toString(StandardCharsets.UTF_8);
        }
      }
      out.write(buf, 0, n);
      at += n;
    }
    return null;
  }

  /**
   * Guest-physical address of the 4-byte word at {@code va} if it lies in a MAP_SHARED area (the identity of a
   * shared futex across address spaces), else -1: private memory keys futexes by address space, as in Linux.
   */
  public synchronized long sharedWordAddress(long va) {
    Vma v = vmaFor(va & PAGE_MASK);
    if (v == null || !v.shared) {
      return -1;
    }
    long h = hostAddress(va, false);
    return h < 0 ? -1 : h - memory.hostAddress(0);
  }

  /**
   * Atomically replaces the writable 4-byte word at {@code va} with {@code op(old)} and returns the old value, or
   * throws for a bad address (FUTEX_WAKE_OP). Atomic against vCPUs running on other threads.
   */
  public synchronized int atomicUpdateInt(long va, java.util.function.IntUnaryOperator op)
      throws BadAddressException {
    long h = (va & 3) == 0 ? hostAddress(va, true) : -1; // under the lock: the frame cannot be unmapped meanwhile
    if (h < 0) {
      throw new BadAddressException(va);
    }
    long gpa = h - memory.hostAddress(0);
    while (true) {
      int old = memory.getIntAcquire(gpa);
      if (memory.compareAndSetInt(gpa, old, op.applyAsInt(old))) {
        return old;
      }
    }
  }

  /** How many tasks use this address space. */
  public int users() {
    return users.get();
  }

  /** Another task shares this address space (CLONE_VM). */
  public void retain() {
    users.incrementAndGet();
  }

  /** A sharing task is gone; the last one frees the address space. */
  public void release() {
    if (users.decrementAndGet() == 0) {
      destroy();
    }
  }

  /**
   * fork(2): a new address space with the same VMAs sharing every populated frame: MAP_SHARED pages as they are,
   * private pages read-only and copy-on-write on both sides. Returns null when guest memory runs out (for the
   * child's page tables).
   */
  public synchronized MemoryManager fork() {
    MemoryManager child;
    try {
      child = new MemoryManager(platform);
    } catch (OutOfGuestMemoryException e) {
      return null;
    }
    child.mmapTop = mmapTop;
    child.brkStart = brkStart;
    child.brk = brk;
    FrameBatch writeProtected = new FrameBatch();
    try {
      for (Vma v : vmas.values()) {
        child.vmas.put(v.start, v);
        pageTable.forEachFrame(v.start, v.end, (va, slot, pte) -> {
          long frame = pte & PTE_ADDR_MASK;
          long shared = pte;
          if (!v.shared) {
            shared = (pte & ~PTE_W) | PTE_COW;
            if (shared != pte) {
              memory.putLong(slot, shared);
              if ((pte & PTE_W) != 0 && (pte & PTE_P) != 0) {
                writeProtected.add(frame);
              }
            }
          }
          child.pageTable.map(va, shared);
          memory.retain(frame);
        });
      }
    } catch (OutOfGuestMemoryException e) {
      child.destroy();
      return null;
    } finally {
      if (writeProtected.size() > 0) {
        platform.invalidate(writeProtected.frames(), writeProtected.size());
      }
    }
    return child;
  }

  /** Frees every page and page table of this address space. */
  public synchronized void destroy() {
    for (Vma v : vmas.values()) {
      releasePages(v.start, v.end);
    }
    vmas.clear();
    pageTable.freeUserTables(256);
    platform.addressSpaceDestroyed();
  }

  public synchronized long brkStart() {
    return brkStart;
  }

  public synchronized long currentBrk() {
    return brk;
  }

  /** Bytes of address space mapped (Linux's total-vm). */
  public synchronized long virtualBytes() {
    long n = 0;
    for (Vma v : vmas.values()) {
      n += v.end - v.start;
    }
    return n;
  }

  /**
   * Resident pages by what backs them, as the OOM killer reports them: {anon, file, shmem} (private anonymous,
   * file mappings, shared anonymous).
   */
  public synchronized long[] residentPagesByKind() {
    long[] n = new long[3];
    for (Vma v : vmas.values()) {
      int kind = v.file != null ? 1 : v.shared ? 2 : 0;
      pageTable.forEachFrame(v.start, v.end, (va, slot, pte) -> {
        if ((pte & PTE_P) != 0) {
          n[kind]++;
        }
      });
    }
    return n;
  }

  /** Page-table pages of this address space. */
  public int pageTablePages() {
    return pageTable.tablePages();
  }

  /** Resident pages (for /proc and getrusage). */
  public synchronized long residentPages() {
    long[] n = {0};
    for (Vma v : vmas.values()) {
      pageTable.forEachFrame(v.start, v.end, (va, slot, pte) -> {
        if ((pte & PTE_P) != 0) {
          n[0]++;
        }
      });
    }
    return n[0];
  }
}
