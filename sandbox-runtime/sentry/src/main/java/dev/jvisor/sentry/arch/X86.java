package dev.jvisor.sentry.arch;

/** Architectural constants (Intel SDM vol. 3) with the values this Sentry uses. */
public final class X86 {
  private X86() {}

  public static final long PAGE_SIZE = 4096, PAGE_MASK = ~(PAGE_SIZE - 1);
  public static final int PAGE_SHIFT = 12;

  /** Page-table entry bits. */
  public static final long PTE_P = 1, PTE_W = 1 << 1, PTE_U = 1 << 2, PTE_PWT = 1 << 3, PTE_PCD = 1 << 4,
      PTE_A = 1 << 5, PTE_D = 1 << 6, PTE_PS = 1 << 7, PTE_G = 1 << 8, PTE_NX = 1L << 63;
  /** Bits 12..51 of an entry: the frame address. */
  public static final long PTE_ADDR_MASK = 0x000F_FFFF_FFFF_F000L;

  /** Page-fault error code bits. */
  public static final int PF_PRESENT = 1, PF_WRITE = 2, PF_USER = 4, PF_RSVD = 8, PF_INSTR = 16;

  /** Exception vectors. */
  public static final int VEC_DE = 0, VEC_DB = 1, VEC_NMI = 2, VEC_BP = 3, VEC_OF = 4, VEC_BR = 5, VEC_UD = 6,
      VEC_NM = 7, VEC_DF = 8, VEC_TS = 10, VEC_NP = 11, VEC_SS = 12, VEC_GP = 13, VEC_PF = 14, VEC_MF = 16,
      VEC_AC = 17, VEC_MC = 18, VEC_XM = 19, VEC_VE = 20, VEC_CP = 21;

  /** True for vectors where the CPU pushes an error code. */
  public static boolean hasErrorCode(int vector) {
    return vector == VEC_DF || (vector >= VEC_TS && vector <= VEC_PF) || vector == VEC_AC || vector == VEC_CP;
  }

  // Control registers: values measured to work on both PVM and hardware KVM (see reference/sentry-on-kvm.md).
  public static final long CR0_PE = 1, CR0_MP = 1 << 1, CR0_ET = 1 << 4, CR0_NE = 1 << 5, CR0_WP = 1 << 16,
      CR0_AM = 1 << 18, CR0_PG = 1L << 31;
  public static final long CR0 = CR0_PE | CR0_MP | CR0_ET | CR0_NE | CR0_WP | CR0_AM | CR0_PG; // 0x80050033
  public static final long CR4_PAE = 1 << 5, CR4_OSFXSR = 1 << 9, CR4_OSXMMEXCPT = 1 << 10,
      CR4_OSXSAVE = 1 << 18;
  public static final long CR4 = CR4_PAE | CR4_OSFXSR | CR4_OSXMMEXCPT | CR4_OSXSAVE; // 0x40620
  public static final long EFER_SCE = 1, EFER_LME = 1 << 8, EFER_LMA = 1 << 10, EFER_NX = 1 << 11;
  public static final long EFER = EFER_SCE | EFER_LME | EFER_LMA | EFER_NX; // 0xd01

  /** RFLAGS bits. */
  public static final long RFLAGS_CF = 1, RFLAGS_FIXED = 1 << 1, RFLAGS_TF = 1 << 8, RFLAGS_IF = 1 << 9,
      RFLAGS_DF = 1 << 10, RFLAGS_IOPL = 3 << 12, RFLAGS_NT = 1 << 14, RFLAGS_RF = 1 << 16, RFLAGS_AC = 1 << 18;
  /** What user code may change in RFLAGS (Linux FIX_EFLAGS, minus IF which user mode cannot own). */
  public static final long RFLAGS_USER_MASK = 0x3F7FD5L;

  /** MSRs. */
  public static final int MSR_STAR = 0xC0000081, MSR_LSTAR = 0xC0000082, MSR_CSTAR = 0xC0000083,
      MSR_SFMASK = 0xC0000084, MSR_FS_BASE = 0xC0000100, MSR_GS_BASE = 0xC0000101,
      MSR_KERNEL_GS_BASE = 0xC0000102, MSR_PAT = 0x277;
  public static final long PAT_DEFAULT = 0x0007040600070406L;
  /**
   * IA32_MTRR_DEF_TYPE: MTRRs enabled with write-back as the default type. Left disabled, a shadow-paging
   * hypervisor may treat all guest memory as uncacheable (a CPU loop ran 2.5x slower here).
   */
  public static final int MSR_MTRR_DEF_TYPE = 0x2FF;
  public static final long MTRR_DEF_TYPE_WB = (1 << 11) | 6;
  /** SYSCALL clears TF, IF, DF, AC and NT (like Linux) so the trampoline starts in a known state. */
  public static final long SFMASK = RFLAGS_TF | RFLAGS_IF | RFLAGS_DF | RFLAGS_AC | RFLAGS_NT;

  /** Canonical user addresses end here (47 bits). */
  public static final long USER_TOP = 0x0000_8000_0000_0000L;

  public static boolean isUserAddress(long va) {
    return va >= 0 && va < USER_TOP;
  }
}
