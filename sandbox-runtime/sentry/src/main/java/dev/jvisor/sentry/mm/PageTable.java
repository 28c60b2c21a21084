package dev.jvisor.sentry.mm;

import static dev.jvisor.sentry.arch.X86.PTE_ADDR_MASK;
import static dev.jvisor.sentry.arch.X86.PTE_P;
import static dev.jvisor.sentry.arch.X86.PTE_U;
import static dev.jvisor.sentry.arch.X86.PTE_W;

/**
 * A 4-level x86-64 page table living in guest-physical memory, written by the Sentry (the guest never writes it:
 * user mode cannot reach it, and no guest kernel code edits it). Intermediate entries are always P|W|U so the
 * leaf entry alone decides access. Intermediate tables are only ever added while the table lives, never
 * removed: a hypervisor's cached view of a present upper-level entry can then never go stale.
 */
public final class PageTable {
  private static final long INTERMEDIATE = PTE_P | PTE_W | PTE_U;

  private final PhysicalMemory memory;
  private final long root;
  private int tablePages = 1;
  /** Frames the platform mapped into this address space for its own use (the syscall request page). */
  private final java.util.List<Long> ownedFrames = new java.util.ArrayList<>();

  /** Frees {@code gpa} together with this table. */
  public void own(long gpa) {
    ownedFrames.add(gpa);
  }

  public PageTable(PhysicalMemory memory) {
    this.memory = memory;
    long r = memory.allocateFrame();
    if (r < 0) {
      throw new OutOfGuestMemoryException("page-table root");
    }
    this.root = r;
  }

  /** Guest-physical address of the PML4: the value for CR3. */
  public long root() {
    return root;
  }

  public int tablePages() {
    return tablePages;
  }

  private static int index(long va, int level) {
    return (int) ((va >>> (12 + 9 * level)) & 0x1FF);
  }

  /** Address of the leaf PTE for {@code va}, allocating tables on the way if {@code create}; -1 if absent. */
  private long leafSlot(long va, boolean create) {
    long table = root;
    for (int level = 3; level > 0; level--) {
      long slot = table + 8L * index(va, level);
      long e = memory.getLong(slot);
      if ((e & PTE_P) == 0) {
        if (!create) {
          return -1;
        }
        long t = memory.allocateFrame();
        if (t < 0) {
          throw new OutOfGuestMemoryException("page tables");
        }
        tablePages++;
        memory.putLong(slot, t | INTERMEDIATE);
        e = t | INTERMEDIATE;
      }
      table = e & PTE_ADDR_MASK;
    }
    return table + 8L * index(va, 0);
  }

  /** Sets the leaf entry for {@code va}; returns the previous entry (0 when none). */
  public long map(long va, long entry) {
    long slot = leafSlot(va, true);
    long old = memory.getLong(slot);
    memory.putLong(slot, entry);
    return old;
  }

  /** The leaf entry for {@code va}, or 0. */
  public long lookup(long va) {
    long slot = leafSlot(va, false);
    return slot < 0 ? 0 : memory.getLong(slot);
  }

  /** Clears the leaf entry for {@code va}; returns what it was (0 when none). */
  public long unmap(long va) {
    long slot = leafSlot(va, false);
    if (slot < 0) {
      return 0;
    }
    long old = memory.getLong(slot);
    memory.putLong(slot, 0);
    return old;
  }

  /** Copies PML4 entry {@code index} from another table: shares one kernel half among address spaces. */
  public void shareTopLevel(PageTable from, int index) {
    memory.putLong(root + 8L * index, memory.getLong(from.root + 8L * index));
  }

  /** What {@link #forEachFrame} calls for every leaf entry that holds a frame. */
  public interface LeafVisitor {
    void visit(long va, long slot, long entry);
  }

  /**
   * Visits every leaf entry in [start, end) that holds a frame, present or parked behind PROT_NONE (P clear, the
   * address kept), skipping whole absent tables.
   */
  public void forEachFrame(long start, long end, LeafVisitor visitor) {
    for (long va = start; va < end; ) {
      long slot = leafSlot(va, false);
      if (slot < 0) {
        long step = 1L << 21;
        va = (va + step) & ~(step - 1);
        continue;
      }
      long e = memory.getLong(slot);
      if ((e & PTE_ADDR_MASK) != 0) {
        visitor.visit(va, slot, e);
      }
      va += 4096;
    }
  }

  /** Frees every table page below the user half and the root (the address space is gone). */
  public void freeUserTables(int userTopIndex) {
    FrameBatch batch = new FrameBatch();
    for (int i = 0; i < userTopIndex; i++) {
      long e = memory.getLong(root + 8L * i);
      if ((e & PTE_P) != 0) {
        collectTree(e & PTE_ADDR_MASK, 2, batch);
      }
    }
    for (long f : ownedFrames) {
      batch.add(f);
    }
    ownedFrames.clear();
    batch.add(root);
    memory.release(batch.frames(), batch.size());
  }

  private void collectTree(long table, int level, FrameBatch batch) {
    if (level > 0) {
      for (int i = 0; i < 512; i++) {
        long e = memory.getLong(table + 8L * i);
        if ((e & PTE_P) != 0) {
          collectTree(e & PTE_ADDR_MASK, level - 1, batch);
        }
      }
    }
    batch.add(table);
  }
}
