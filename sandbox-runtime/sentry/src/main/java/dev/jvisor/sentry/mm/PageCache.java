package dev.jvisor.sentry.mm;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames holding pages of files that private mappings share read-only and copy-on-write, so that every process
 * exec'ing /bin/sh or mapping libc reuses the same frames instead of reading the file again (a pread per page,
 * and a page of guest memory per process). Files are keyed by {@link Vma.Backing#pageCacheKey}, which names a
 * file's identity and version (device, inode, size, mtime, ctime): a changed file gets new pages, and its old
 * ones age out.
 *
 * <p>The cache holds one reference per frame. It keeps at most {@link #capacity} frames, least recently used go
 * first, and gives up every frame no mapping uses when guest memory runs out ({@link #shrink}). Lock order: this,
 * then {@link PhysicalMemory}.
 */
public final class PageCache {
  private record Page(Object file, long offset) {}

  private final PhysicalMemory memory;
  private final int capacity;
  private final LinkedHashMap<Page, Long> frames = new LinkedHashMap<>(256, 0.75f, true);

  PageCache(PhysicalMemory memory, int capacity) {
    this.memory = memory;
    this.capacity = capacity;
  }

  /** The cached frame for the page at {@code offset} of {@code file}, with a reference for the caller; or -1. */
  synchronized long lookup(Object file, long offset) {
    Long f = frames.get(new Page(file, offset));
    if (f == null) {
      return -1;
    }
    memory.retain(f);
    return f;
  }

  /**
   * Caches {@code frame}, just filled with the page, keeping the caller's reference; returns the frame the caller
   * maps. If another thread cached the page first, the caller's frame is released and the cached one returned.
   */
  long insert(Object file, long offset, long frame) {
    List<Long> drop = new ArrayList<>();
    long result;
    synchronized (this) {
      Page p = new Page(file, offset);
      Long f = frames.get(p);
      if (f != null) {
        memory.retain(f);
        drop.add(frame);
        result = f;
      } else {
        memory.retain(frame);
        frames.put(p, frame);
        result = frame;
        Iterator<Map.Entry<Page, Long>> it = frames.entrySet().iterator();
        while (frames.size() > capacity && it.hasNext()) {
          drop.add(it.next().getValue());
          it.remove();
        }
      }
      release(drop);
    }
    return result;
  }

  /** Gives up every frame only the cache holds (guest memory ran out); true if any was freed. */
  public synchronized boolean shrink() {
    List<Long> drop = new ArrayList<>();
    for (Iterator<Long> it = frames.values().iterator(); it.hasNext(); ) {
      long f = it.next();
      if (memory.refCount(f) == 1) {
        drop.add(f);
        it.remove();
      }
    }
    release(drop);
    return !drop.isEmpty();
  }

  /** Frames only the cache holds: reclaimable, so not counted as memory in use. */
  public synchronized int reclaimableFrames() {
    int n = 0;
    for (long f : frames.values()) {
      if (memory.refCount(f) == 1) {
        n++;
      }
    }
    return n;
  }

  private void release(List<Long> drop) {
    if (drop.isEmpty()) {
      return;
    }
    long[] a = new long[drop.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = drop.get(i);
    }
    // Frames still mapped somewhere lose only the cache's reference; nothing of theirs needs invalidating.
    memory.release(a, a.length);
  }
}
