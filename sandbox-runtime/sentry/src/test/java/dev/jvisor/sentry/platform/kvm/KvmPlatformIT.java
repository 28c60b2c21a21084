package dev.jvisor.sentry.platform.kvm;

import static dev.jvisor.host.Kvm.*;
import static dev.jvisor.sentry.arch.X86.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.host.Kvm;
import dev.jvisor.sentry.mm.PageTable;
import dev.jvisor.sentry.platform.ExitKind;
import dev.jvisor.sentry.platform.Vcpu;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs hand-assembled ring-3 code on the real /dev/kvm: syscalls, faults, resumption, invalidation. */
class KvmPlatformIT {
  private static final long CODE = 0x400000, DATA = 0x600000, STACK = 0x7000_0000L;
  private KvmMachine machine;
  private Vcpu vcpu;
  private PageTable pt;

  @BeforeEach
  void boot() {
    assumeTrue(new java.io.File(Kvm.DEVICE).exists(), "no /dev/kvm on this machine");
    machine = new KvmMachine(64L << 20, Flavour.detect());
    pt = machine.newPageTable();
    vcpu = machine.newVcpu();
    vcpu.setPageTableRoot(pt.root());
    long stack = machine.memory().allocateFrame();
    pt.map(STACK - PAGE_SIZE, stack | PTE_P | PTE_W | PTE_U | PTE_NX);
    vcpu.setReg(REG_RSP, STACK - 16);
  }

  @AfterEach
  void shutdown() {
    if (vcpu != null) {
      vcpu.close();
      machine.close();
    }
  }

  private void load(byte[] code) {
    long f = machine.memory().allocateFrame();
    machine.memory().write(f, code, 0, code.length);
    pt.map(CODE, f | PTE_P | PTE_U);
    vcpu.setReg(REG_RIP, CODE);
  }

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  @Test
  void syscallsExitToTheHostAndResumeAfterTheSyscallInstruction() {
    load(bytes(
        0xB8, 0x27, 0, 0, 0, // mov eax, 39
        0x48, 0xC7, 0xC3, 0x2A, 0, 0, 0, // mov rbx, 42 (must survive the syscall)
        0x0F, 0x05, // syscall
        0x48, 0x89, 0xC7, // mov rdi, rax
        0x48, 0x01, 0xDF, // add rdi, rbx
        0xB8, 0x3C, 0, 0, 0, // mov eax, 60
        0x0F, 0x05)); // syscall
    assertThat(vcpu.run()).isEqualTo(ExitKind.SYSCALL);
    assertThat(vcpu.reg(REG_RAX)).isEqualTo(39);
    assertThat(vcpu.reg(REG_RCX)).isEqualTo(CODE + 14);
    vcpu.completeSyscall(1000);
    assertThat(vcpu.run()).isEqualTo(ExitKind.SYSCALL);
    assertThat(vcpu.reg(REG_RAX)).isEqualTo(60);
    assertThat(vcpu.reg(REG_RDI)).isEqualTo(1042);
  }

  @Test
  void pageFaultsReachTheHostWithAddressAndErrorCodeAndResumeOnceMapped() {
    load(bytes(
        0x48, 0xB8, 0, 0, 0x60, 0, 0, 0, 0, 0, // mov rax, 0x600000
        0xC7, 0x00, 0x78, 0x56, 0x34, 0x12, // mov dword [rax], 0x12345678
        0x8B, 0x38, // mov edi, [rax]
        0xB8, 0x3C, 0, 0, 0, 0x0F, 0x05)); // exit(edi)
    assertThat(vcpu.run()).isEqualTo(ExitKind.FAULT);
    assertThat(vcpu.faultVector()).isEqualTo(VEC_PF);
    assertThat(vcpu.faultAddress()).isEqualTo(DATA);
    assertThat(vcpu.faultErrorCode() & (PF_USER | PF_WRITE | PF_PRESENT)).isEqualTo(PF_USER | PF_WRITE);
    assertThat(vcpu.faultRip()).isEqualTo(CODE + 10);
    long f = machine.memory().allocateFrame();
    pt.map(DATA, f | PTE_P | PTE_W | PTE_U | PTE_NX);
    assertThat(vcpu.run()).isEqualTo(ExitKind.SYSCALL);
    assertThat(vcpu.reg(REG_RDI)).isEqualTo(0x12345678);
    assertThat(machine.memory().getInt(f)).isEqualTo(0x12345678);
  }

  @Test
  void aMappingRemovedByTheHostFaultsOnTheNextAccess() {
    load(bytes(
        0x49, 0xC7, 0xC4, 0, 0, 0x60, 0, // mov r12, 0x600000
        0x41, 0x8B, 0x3C, 0x24, // mov edi, [r12]
        0xB8, 0x27, 0, 0, 0, 0x0F, 0x05, // syscall 39
        0x41, 0x8B, 0x3C, 0x24, // mov edi, [r12]   <- must fault after the host unmapped the page
        0xB8, 0x3C, 0, 0, 0, 0x0F, 0x05)); // exit
    long f = machine.memory().allocateFrame();
    machine.memory().putLong(f, 7);
    pt.map(DATA, f | PTE_P | PTE_W | PTE_U | PTE_NX);
    assertThat(vcpu.run()).isEqualTo(ExitKind.SYSCALL);
    assertThat(vcpu.reg(REG_RDI)).isEqualTo(7);
    pt.unmap(DATA);
    machine.invalidate(f);
    vcpu.completeSyscall(0);
    assertThat(vcpu.run()).isEqualTo(ExitKind.FAULT);
    assertThat(vcpu.faultAddress()).isEqualTo(DATA);
    assertThat(vcpu.faultRip()).isEqualTo(CODE + 18);
  }

  @Test
  void faultAfterASyscallReportsItsAddress() {
    load(bytes(
        0x48, 0xB8, 0, 0, 0x60, 0, 0, 0, 0, 0, // mov rax, 0x600000
        0x49, 0x89, 0xC4, // mov r12, rax
        0xB8, 0x27, 0, 0, 0, 0x0F, 0x05, // syscall 39
        0x41, 0x8B, 0x3C, 0x24, // mov edi, [r12]
        0xB8, 0x3C, 0, 0, 0, 0x0F, 0x05)); // exit
    assertThat(vcpu.run()).isEqualTo(ExitKind.SYSCALL);
    vcpu.completeSyscall(0);
    assertThat(vcpu.run()).isEqualTo(ExitKind.FAULT);
    assertThat(vcpu.faultAddress()).isEqualTo(DATA);
  }

  @Test
  void invalidInstructionsAndGeneralProtectionFaultsAreReported() {
    load(bytes(0x0F, 0x0B)); // ud2
    assertThat(vcpu.run()).isEqualTo(ExitKind.FAULT);
    assertThat(vcpu.faultVector()).isEqualTo(VEC_UD);
    assertThat(vcpu.faultRip()).isEqualTo(CODE);
  }
}
