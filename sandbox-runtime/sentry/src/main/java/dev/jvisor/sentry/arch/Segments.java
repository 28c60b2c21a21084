package dev.jvisor.sentry.arch;

/**
 * The guest's GDT: null, kernel code64 (0x08), kernel data (0x10), user code32 (0x18), user data (0x20),
 * user code64 (0x28), TSS (0x30, two slots). SYSRET derives user CS/SS from STAR[63:48] = 0x18: CS = 0x28|3,
 * SS = 0x20|3; SYSCALL takes kernel CS/SS from STAR[47:32] = 0x08.
 */
public final class Segments {
  private Segments() {}

  public static final int KERNEL_CS = 0x08, KERNEL_DS = 0x10, USER_CS32 = 0x18 | 3, USER_DS = 0x20 | 3,
      USER_CS = 0x28 | 3, TSS = 0x30;
  public static final int GDT_ENTRIES = 8;
  public static final long STAR = (0x18L << 48) | (0x08L << 32);

  /** Descriptor words (Intel SDM 3.4.5): limit 0xfffff, base 0, G=1, P=1, S=1. */
  public static final long KERNEL_CODE64 = 0x00AF9B000000FFFFL; // DPL0 exec/read, L=1
  public static final long KERNEL_DATA = 0x00CF93000000FFFFL; // DPL0 read/write, D/B=1
  public static final long USER_CODE32 = 0x00CFFB000000FFFFL; // DPL3 exec/read, D=1
  public static final long USER_DATA = 0x00CFF3000000FFFFL; // DPL3 read/write
  public static final long USER_CODE64 = 0x00AFFB000000FFFFL; // DPL3 exec/read, L=1

  public static final int TSS_SIZE = 104;

  /** The two GDT words of a 64-bit available TSS (type 9) at {@code base} with limit 103. */
  public static long[] tssDescriptor(long base) {
    long limit = TSS_SIZE - 1;
    long low = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) | (0x89L << 40) | (((limit >> 16) & 0xF) << 48)
        | (((base >>> 24) & 0xFF) << 56);
    long high = base >>> 32;
    return new long[] {low, high};
  }

  /**
   * An IDT interrupt gate (16 bytes as two words): handler {@code offset}, kernel CS, IST {@code ist},
   * type 0xE, present, DPL {@code dpl} (3 lets user code raise it with int3/into).
   */
  public static long[] interruptGate(long offset, int ist, int dpl) {
    long low = (offset & 0xFFFF) | ((long) KERNEL_CS << 16) | ((long) (ist & 7) << 32)
        | ((0x8EL | ((long) (dpl & 3) << 5)) << 40) | (((offset >>> 16) & 0xFFFF) << 48);
    long high = offset >>> 32;
    return new long[] {low, high};
  }
}
