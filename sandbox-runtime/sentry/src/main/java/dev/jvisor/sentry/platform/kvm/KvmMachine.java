package dev.jvisor.sentry.platform.kvm;

import static dev.jvisor.sentry.arch.X86.PTE_NX;
import static dev.jvisor.sentry.arch.X86.PTE_P;
import static dev.jvisor.sentry.arch.X86.PTE_U;
import static dev.jvisor.sentry.arch.X86.PTE_W;

import dev.jvisor.host.Errno;
import dev.jvisor.host.HostException;
import dev.jvisor.host.Kvm;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.arch.GuestCode;
import dev.jvisor.sentry.arch.Segments;
import dev.jvisor.sentry.arch.X86;
import dev.jvisor.sentry.mm.OutOfGuestMemoryException;
import dev.jvisor.sentry.mm.PageTable;
import dev.jvisor.sentry.mm.PhysicalMemory;
import dev.jvisor.sentry.platform.Platform;
import dev.jvisor.sentry.platform.Vcpu;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One KVM virtual machine: its memslot, the shared kernel half (GDT, IDT, stubs, per-vCPU TSS and exception
 * stacks) and the syscall trampoline. vCPUs are created on demand, one per task thread.
 */
public final class KvmMachine implements Platform {
  private final Flavour flavour;
  private final int kvmFd;
  private final int vmFd;
  private final int runSize;
  private final PhysicalMemory memory;
  private final PageTable kernelTemplate;
  private final long trampolineGpa;
  private int slowStoreOffset;
  private final long scratch;
  private final byte[] cpuid;
  private final AtomicInteger nextVcpu = new AtomicInteger();
  /**
   * vCPUs this machine creates at most: the layout's room, or fewer with {@code -Djvisor.vcpus=N} (tests of the
   * vCPU scheduler use a handful). More tasks than this share vCPUs (see the kernel's VcpuScheduler).
   */
  private final int maxVcpus = Math.max(1, Math.min(Layout.MAX_VCPUS,
      Integer.getInteger("jvisor.vcpus", Layout.MAX_VCPUS)));
  /** vCPUs of tasks that ended: KVM cannot destroy a vCPU before its VM, so they are reused. */
  private final java.util.ArrayDeque<KvmVcpu> idle = new java.util.ArrayDeque<>();

  public KvmMachine(long memoryBytes, Flavour flavour) {
    String cause = Kvm.unavailabilityCause();
    if (cause != null) {
      throw new IllegalStateException(cause);
    }
    this.flavour = flavour;
    this.kvmFd = LibC.check("open /dev/kvm", LibC.open(Kvm.DEVICE, LibC.O_RDWR | LibC.O_CLOEXEC, 0));
    this.vmFd = LibC.check("KVM_CREATE_VM", LibC.ioctl(kvmFd, Kvm.KVM_CREATE_VM, 0));
    this.runSize = LibC.check("KVM_GET_VCPU_MMAP_SIZE", LibC.ioctl(kvmFd, Kvm.KVM_GET_VCPU_MMAP_SIZE, 0));
    this.scratch = LibC.allocate(16384);
    if (flavour == Flavour.HARDWARE) {
      // VMX needs a TSS area below 4G for real-mode emulation even though we never use real mode.
      LibC.ioctl(vmFd, Kvm.KVM_SET_TSS_ADDR, 0xfffbd000L);
    }
    this.memory = new PhysicalMemory(memoryBytes);
    ByteBuffer region = LibC.buffer(scratch, Kvm.SIZEOF_MEMREGION);
    region.putInt(Kvm.MEMREGION_SLOT, 0).putInt(Kvm.MEMREGION_FLAGS, 0).putLong(Kvm.MEMREGION_GPA, 0)
        .putLong(Kvm.MEMREGION_SIZE, memory.size()).putLong(Kvm.MEMREGION_USERADDR, memory.hostBase());
    LibC.check("KVM_SET_USER_MEMORY_REGION", LibC.ioctl(vmFd, Kvm.KVM_SET_USER_MEMORY_REGION, scratch));
    this.cpuid = supportedCpuid();

    kernelTemplate = new PageTable(memory);
    long gdt = frame();
    long idt = frame();
    long stubs = frame();
    kernelTemplate.map(Layout.GDT_VA, gdt | PTE_P | PTE_W | PTE_NX);
    kernelTemplate.map(Layout.IDT_VA, idt | PTE_P | PTE_NX);
    kernelTemplate.map(Layout.STUBS_VA, stubs | PTE_P);
    long[] gdtWords = {0, Segments.KERNEL_CODE64, Segments.KERNEL_DATA, Segments.USER_CODE32, Segments.USER_DATA,
        Segments.USER_CODE64, 0, 0};
    for (int i = 0; i < gdtWords.length; i++) {
      memory.putLong(gdt + 8L * i, gdtWords[i]);
    }
    byte[] stubCode = GuestCode.stubPage();
    memory.write(stubs, stubCode, 0, stubCode.length);
    for (int v = 0; v < 256; v++) {
      int target = v < GuestCode.VECTORS ? v * GuestCode.STUB_SLOT : X86.VEC_GP * GuestCode.STUB_SLOT;
      int dpl = (v == X86.VEC_BP || v == X86.VEC_OF) ? 3 : 0;
      long[] gate = Segments.interruptGate(Layout.STUBS_VA + target, 1, dpl);
      memory.putLong(idt + 16L * v, gate[0]);
      memory.putLong(idt + 16L * v + 8, gate[1]);
    }
    trampolineGpa = frame();
    var tramp = dev.jvisor.sentry.arch.FastTrampoline.assemble(Layout.TRAMPOLINE_VA, Layout.REQUEST_VA,
        Layout.EXIT_VA);
    memory.write(trampolineGpa, tramp.page(), 0, tramp.page().length);
    slowStoreOffset = tramp.slowStoreOffset();
  }

  private long frame() {
    long f = memory.allocateFrame();
    if (f < 0) {
      throw new OutOfGuestMemoryException("platform structures");
    }
    return f;
  }

  private byte[] supportedCpuid() {
    for (int n = 64; n <= 1024; n *= 2) {
      ByteBuffer b = LibC.buffer(scratch, Kvm.SIZEOF_CPUID2_HEADER + (long) n * Kvm.SIZEOF_CPUID_ENTRY2);
      for (int i = 0; i < b.capacity(); i++) {
        b.put(i, (byte) 0);
      }
      b.putInt(Kvm.CPUID2_NENT, n);
      if (LibC.ioctl(kvmFd, Kvm.KVM_GET_SUPPORTED_CPUID, scratch) == 0) {
        int nent = b.getInt(Kvm.CPUID2_NENT);
        byte[] out = new byte[Kvm.SIZEOF_CPUID2_HEADER + nent * Kvm.SIZEOF_CPUID_ENTRY2];
        b.get(0, out);
        return out;
      }
      if (LibC.errno() != Errno.E2BIG) {
        throw new HostException("KVM_GET_SUPPORTED_CPUID", LibC.errno());
      }
    }
    throw new HostException("KVM_GET_SUPPORTED_CPUID", Errno.E2BIG);
  }

  Flavour flavour() {
    return flavour;
  }

  int vmFd() {
    return vmFd;
  }

  int runSize() {
    return runSize;
  }

  byte[] cpuid() {
    return cpuid;
  }

  PageTable kernelTemplate() {
    return kernelTemplate;
  }

  @Override
  public String describe() {
    return "kvm, " + flavour.description();
  }

  @Override
  public PhysicalMemory memory() {
    return memory;
  }

  @Override
  public PageTable newPageTable() {
    PageTable pt = new PageTable(memory);
    try {
      pt.shareTopLevel(kernelTemplate, Layout.KERNEL_PML4_INDEX);
      pt.map(Layout.TRAMPOLINE_VA, trampolineGpa | PTE_P | PTE_U);
      pt.map(Layout.EXIT_VA, Layout.EXIT_GPA | PTE_P | PTE_W | PTE_U | PTE_NX);
      if (flavour == Flavour.PVM) {
        long req = frame();
        pt.own(req); // owned before it is mapped, so a failing map below frees it with the tables
        pt.map(Layout.REQUEST_VA, req | PTE_P | PTE_W | PTE_U | PTE_NX);
      }
    } catch (OutOfGuestMemoryException e) {
      pt.freeUserTables(256); // a full guest must not also leak the half-built address space
      throw e;
    }
    return pt;
  }

  @Override
  public long requestPage(PageTable pt) {
    if (flavour != Flavour.PVM) {
      return -1;
    }
    long pte = pt.lookup(Layout.REQUEST_VA);
    return (pte & PTE_P) == 0 ? -1 : pte & dev.jvisor.sentry.arch.X86.PTE_ADDR_MASK;
  }

  @Override
  public boolean inSyscallTrampoline(long rip) {
    return rip >= Layout.TRAMPOLINE_VA && rip < Layout.TRAMPOLINE_VA + dev.jvisor.sentry.arch.X86.PAGE_SIZE;
  }

  /** Where the trampoline's exiting store is (RIP at its MMIO exit is there or just after it). */
  int slowStoreOffset() {
    return slowStoreOffset;
  }

  @Override
  public long userLimit() {
    return Layout.REQUEST_VA;
  }

  @Override
  public int maxVcpus() {
    return maxVcpus;
  }

  @Override
  public Vcpu newVcpu() {
    int id;
    synchronized (this) {
      KvmVcpu reused = idle.poll();
      if (reused != null) {
        reused.reset();
        return reused;
      }
      id = nextVcpu.get();
      if (id >= maxVcpus) {
        return null;
      }
      nextVcpu.incrementAndGet();
    }
    synchronized (this) {
      // Each vCPU gets its TSS page and exception stack in the shared kernel half.
      long base = Layout.VCPU_AREA + id * Layout.VCPU_STRIDE;
      long tss = frame();
      kernelTemplate.map(base, tss | PTE_P | PTE_W | PTE_NX);
      long[] stack = new long[Layout.STACK_PAGES];
      for (int i = 0; i < Layout.STACK_PAGES; i++) {
        stack[i] = frame();
        kernelTemplate.map(base + 0x1000L * (i + 1), stack[i] | PTE_P | PTE_W | PTE_NX);
      }
      long stackTop = base + 0x1000L * (Layout.STACK_PAGES + 1);
      memory.putLong(tss + 4, stackTop); // rsp0
      memory.putLong(tss + 36, stackTop); // ist1
      memory.putLong(tss + 100, (long) Segments.TSS_SIZE << 16); // iomap base beyond the limit: no I/O bitmap
      return new KvmVcpu(this, id, base, stackTop, stack);
    }
  }

  @Override
  public void invalidate(long gpa) {
    // Drop the host PTEs of the frame: KVM's MMU notifier then zaps every cached guest translation of it, so
    // the next guest access walks our page table again. MAP_SHARED memfd: the data stays.
    LibC.madvise(memory.hostAddress(gpa), X86.PAGE_SIZE, LibC.MADV_DONTNEED);
  }

  @Override
  public void addressSpaceDestroyed() {
    // Seen on PVM: a freed leaf table reused for libc's 2 MiB region kept its shadow's entry for the trampoline's
    // slot, and a process executed the trampoline page's int3 padding as libc code (SIGTRAP).
    invalidate(trampolineGpa);
  }

  @Override
  public void invalidate(long[] gpas, int n) {
    dev.jvisor.sentry.mm.FrameRuns.forEach(gpas, n,
        (gpa, length) -> LibC.madvise(memory.hostAddress(gpa), length, LibC.MADV_DONTNEED));
  }

  /** Takes back the vCPU of a task that ended. */
  synchronized void release(KvmVcpu v) {
    idle.push(v);
  }

  long scratch() {
    return scratch;
  }

  @Override
  public void close() {
    synchronized (this) {
      for (KvmVcpu v : idle) {
        v.destroy();
      }
      idle.clear();
    }
    LibC.close(vmFd);
    LibC.close(kvmFd);
    memory.close();
  }
}
