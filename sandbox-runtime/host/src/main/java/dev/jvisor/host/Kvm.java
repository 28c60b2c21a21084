package dev.jvisor.host;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * /dev/kvm: ioctl numbers (linux/kvm.h, x86-64), exit reasons and the offsets of {@code struct kvm_run} and the
 * structs the Sentry fills by hand. {@code KvmLayoutTest} checks every offset against the kernel headers on the
 * build machine. Request numbers are {@code long}: as an int, 0x8090ae81-style numbers would sign-extend.
 */
public final class Kvm {
  public static final String DEVICE = "/dev/kvm";

  // ioctls on the /dev/kvm fd
  public static final long KVM_GET_API_VERSION = 0xAE00L, KVM_CREATE_VM = 0xAE01L, KVM_CHECK_EXTENSION = 0xAE03L,
      KVM_GET_VCPU_MMAP_SIZE = 0xAE04L, KVM_GET_SUPPORTED_CPUID = 0xC008AE05L;
  // ioctls on a VM fd
  public static final long KVM_CREATE_VCPU = 0xAE41L, KVM_SET_USER_MEMORY_REGION = 0x4020AE46L,
      KVM_SET_TSS_ADDR = 0xAE47L, KVM_SET_IDENTITY_MAP_ADDR = 0x4008AE48L;
  // ioctls on a vCPU fd
  public static final long KVM_RUN = 0xAE80L, KVM_GET_REGS = 0x8090AE81L, KVM_SET_REGS = 0x4090AE82L,
      KVM_GET_SREGS = 0x8138AE83L, KVM_SET_SREGS = 0x4138AE84L, KVM_GET_MSRS = 0xC008AE88L,
      KVM_SET_MSRS = 0x4008AE89L, KVM_SET_SIGNAL_MASK = 0x4004AE8BL, KVM_SET_CPUID2 = 0x4008AE90L,
      KVM_GET_VCPU_EVENTS = 0x8040AE9FL, KVM_GET_XSAVE = 0x9000AEA4L, KVM_SET_XSAVE = 0x5000AEA5L, KVM_SET_XCRS = 0x4188AEA7L;

  public static final int KVM_CAP_USER_MEMORY = 3, KVM_CAP_SET_TSS_ADDR = 4, KVM_CAP_IMMEDIATE_EXIT = 136,
      KVM_CAP_SYNC_REGS = 74;

  // exit reasons
  public static final int KVM_EXIT_UNKNOWN = 0, KVM_EXIT_EXCEPTION = 1, KVM_EXIT_IO = 2, KVM_EXIT_DEBUG = 4,
      KVM_EXIT_HLT = 5, KVM_EXIT_MMIO = 6, KVM_EXIT_SHUTDOWN = 8, KVM_EXIT_FAIL_ENTRY = 9, KVM_EXIT_INTR = 10,
      KVM_EXIT_INTERNAL_ERROR = 17;

  public static final int KVM_SYNC_X86_REGS = 1, KVM_SYNC_X86_SREGS = 2, KVM_SYNC_X86_EVENTS = 4;

  /** struct kvm_run offsets. */
  public static final int RUN_REQUEST_INTERRUPT_WINDOW = 0, RUN_IMMEDIATE_EXIT = 1, RUN_EXIT_REASON = 8,
      RUN_IO_DIRECTION = 32, RUN_IO_SIZE = 33, RUN_IO_PORT = 34, RUN_IO_COUNT = 36, RUN_IO_DATA_OFFSET = 40,
      RUN_MMIO_PHYS_ADDR = 32, RUN_MMIO_DATA = 40, RUN_MMIO_LEN = 48, RUN_MMIO_IS_WRITE = 52,
      RUN_INTERNAL_SUBERROR = 32, RUN_FAIL_ENTRY_REASON = 32, RUN_VALID_REGS = 288, RUN_DIRTY_REGS = 296,
      RUN_SYNC_REGS = 304, RUN_SYNC_SREGS = 448, RUN_SYNC_EVENTS = 760;

  /** struct kvm_regs offsets (also the layout of kvm_run.s.regs). */
  public static final int REG_RAX = 0, REG_RBX = 8, REG_RCX = 16, REG_RDX = 24, REG_RSI = 32, REG_RDI = 40,
      REG_RSP = 48, REG_RBP = 56, REG_R8 = 64, REG_R9 = 72, REG_R10 = 80, REG_R11 = 88, REG_R12 = 96,
      REG_R13 = 104, REG_R14 = 112, REG_R15 = 120, REG_RIP = 128, REG_RFLAGS = 136, SIZEOF_REGS = 144;

  /** struct kvm_sregs offsets; each kvm_segment is 24 bytes, each kvm_dtable 16. */
  public static final int SREG_CS = 0, SREG_DS = 24, SREG_ES = 48, SREG_FS = 72, SREG_GS = 96, SREG_SS = 120,
      SREG_TR = 144, SREG_LDT = 168, SREG_GDT = 192, SREG_IDT = 208, SREG_CR0 = 224, SREG_CR2 = 232,
      SREG_CR3 = 240, SREG_CR4 = 248, SREG_CR8 = 256, SREG_EFER = 264, SREG_APIC_BASE = 272, SIZEOF_SREGS = 312;

  /** struct kvm_segment field offsets. */
  public static final int SEG_BASE = 0, SEG_LIMIT = 8, SEG_SELECTOR = 12, SEG_TYPE = 14, SEG_PRESENT = 15,
      SEG_DPL = 16, SEG_DB = 17, SEG_S = 18, SEG_L = 19, SEG_G = 20, SEG_AVL = 21, SEG_UNUSABLE = 22;

  /** struct kvm_userspace_memory_region (32 bytes). */
  public static final int MEMREGION_SLOT = 0, MEMREGION_FLAGS = 4, MEMREGION_GPA = 8, MEMREGION_SIZE = 16,
      MEMREGION_USERADDR = 24, SIZEOF_MEMREGION = 32;

  /** struct kvm_vcpu_events: exception.injected 0, nr 1, has_error_code 2, error_code 4. */
  public static final int EVENTS_EXC_INJECTED = 0, EVENTS_EXC_NR = 1, EVENTS_EXC_ERROR_CODE = 4, SIZEOF_EVENTS = 64;

  /** struct kvm_cpuid2 header 8 bytes, then kvm_cpuid_entry2 of 40 bytes each. */
  public static final int CPUID2_NENT = 0, SIZEOF_CPUID2_HEADER = 8, SIZEOF_CPUID_ENTRY2 = 40;

  /** kvm_msrs header 8 bytes, kvm_msr_entry 16 bytes (index u32, reserved u32, data u64). */
  public static final int SIZEOF_MSRS_HEADER = 8, SIZEOF_MSR_ENTRY = 16, SIZEOF_XCRS = 392;

  /** MSR the PVM hypervisor answers with "PVM" (0x4d5650) through KVM_GET_MSRS. */
  public static final int MSR_PVM_SIGNATURE = 0x4b564d11;

  private Kvm() {}

  private static volatile String unavailabilityCause;
  private static volatile boolean probed;

  /** Probes /dev/kvm once: null when usable, else a sentence a user can act on. */
  public static String unavailabilityCause() {
    if (!probed) {
      synchronized (Kvm.class) {
        if (!probed) {
          unavailabilityCause = probe();
          probed = true;
        }
      }
    }
    return unavailabilityCause;
  }

  public static boolean isAvailable() {
    return unavailabilityCause() == null;
  }

  private static String probe() {
    if (!Files.exists(Path.of(DEVICE))) {
      return DEVICE + " not found: enable virtualization in the firmware (or nested virtualization for a VM) "
          + "and load the kvm module";
    }
    int fd = LibC.open(DEVICE, LibC.O_RDWR | LibC.O_CLOEXEC, 0);
    if (fd < 0) {
      int e = LibC.errno();
      return e == Errno.EACCES || e == Errno.EPERM
          ? DEVICE + ": permission denied: run as root or add the user to the kvm group"
          : DEVICE + ": cannot open: " + Errno.name(e);
    }
    try {
      int version = LibC.ioctl(fd, KVM_GET_API_VERSION, 0);
      if (version != 12) {
        return DEVICE + ": unsupported KVM API version " + version + " (12 required)";
      }
      if (LibC.ioctl(fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) <= 0) {
        return DEVICE + ": KVM_CAP_SYNC_REGS is not supported by this kernel";
      }
      return null;
    } finally {
      LibC.close(fd);
    }
  }
}
