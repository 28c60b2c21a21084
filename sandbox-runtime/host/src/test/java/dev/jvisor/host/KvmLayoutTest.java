package dev.jvisor.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Checks every hand-written struct offset and ioctl number in {@link Kvm} against this machine's kernel headers. */
class KvmLayoutTest {
  private static final String PROGRAM = """
      #include <stdio.h>
      #include <stddef.h>
      #include <linux/kvm.h>
      #define P(name, value) printf("%s %lu\\n", name, (unsigned long)(value))
      int main(void) {
        P("RUN_IMMEDIATE_EXIT", offsetof(struct kvm_run, immediate_exit));
        P("RUN_EXIT_REASON", offsetof(struct kvm_run, exit_reason));
        P("RUN_IO_PORT", offsetof(struct kvm_run, io.port));
        P("RUN_IO_SIZE", offsetof(struct kvm_run, io.size));
        P("RUN_MMIO_PHYS_ADDR", offsetof(struct kvm_run, mmio.phys_addr));
        P("RUN_MMIO_IS_WRITE", offsetof(struct kvm_run, mmio.is_write));
        P("RUN_MMIO_LEN", offsetof(struct kvm_run, mmio.len));
        P("RUN_VALID_REGS", offsetof(struct kvm_run, kvm_valid_regs));
        P("RUN_DIRTY_REGS", offsetof(struct kvm_run, kvm_dirty_regs));
        P("RUN_SYNC_REGS", offsetof(struct kvm_run, s.regs.regs));
        P("RUN_SYNC_SREGS", offsetof(struct kvm_run, s.regs.sregs));
        P("RUN_SYNC_EVENTS", offsetof(struct kvm_run, s.regs.events));
        P("REG_RIP", offsetof(struct kvm_regs, rip));
        P("REG_R11", offsetof(struct kvm_regs, r11));
        P("REG_RFLAGS", offsetof(struct kvm_regs, rflags));
        P("SIZEOF_REGS", sizeof(struct kvm_regs));
        P("SREG_FS", offsetof(struct kvm_sregs, fs));
        P("SREG_TR", offsetof(struct kvm_sregs, tr));
        P("SREG_GDT", offsetof(struct kvm_sregs, gdt));
        P("SREG_IDT", offsetof(struct kvm_sregs, idt));
        P("SREG_CR2", offsetof(struct kvm_sregs, cr2));
        P("SREG_CR3", offsetof(struct kvm_sregs, cr3));
        P("SREG_EFER", offsetof(struct kvm_sregs, efer));
        P("SIZEOF_SREGS", sizeof(struct kvm_sregs));
        P("SEG_SELECTOR", offsetof(struct kvm_segment, selector));
        P("SEG_UNUSABLE", offsetof(struct kvm_segment, unusable));
        P("SIZEOF_MEMREGION", sizeof(struct kvm_userspace_memory_region));
        P("SIZEOF_CPUID_ENTRY2", sizeof(struct kvm_cpuid_entry2));
        P("SIZEOF_XCRS", sizeof(struct kvm_xcrs));
        P("SIZEOF_EVENTS", sizeof(struct kvm_vcpu_events));
        P("KVM_RUN", KVM_RUN);
        P("KVM_GET_REGS", KVM_GET_REGS);
        P("KVM_SET_SREGS", KVM_SET_SREGS);
        P("KVM_GET_SREGS", KVM_GET_SREGS);
        P("KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION);
        P("KVM_SET_CPUID2", KVM_SET_CPUID2);
        P("KVM_GET_SUPPORTED_CPUID", KVM_GET_SUPPORTED_CPUID);
        P("KVM_SET_MSRS", KVM_SET_MSRS);
        P("KVM_SET_XCRS", KVM_SET_XCRS);
        P("KVM_GET_VCPU_EVENTS", KVM_GET_VCPU_EVENTS);
        P("KVM_CREATE_VCPU", KVM_CREATE_VCPU);
        P("KVM_CAP_SYNC_REGS", KVM_CAP_SYNC_REGS);
        P("KVM_EXIT_MMIO", KVM_EXIT_MMIO);
        P("KVM_EXIT_IO", KVM_EXIT_IO);
        P("KVM_EXIT_SHUTDOWN", KVM_EXIT_SHUTDOWN);
        return 0;
      }
      """;

  @Test
  void offsetsAndIoctlNumbersMatchTheKernelHeaders() throws Exception {
    assumeTrue(Files.exists(Path.of("/usr/include/linux/kvm.h")), "linux/kvm.h is not installed");
    Path dir = Files.createTempDirectory("kvm-layout");
    try {
      Files.writeString(dir.resolve("layout.c"), PROGRAM);
      Process cc = new ProcessBuilder("gcc", "-o", "layout", "layout.c").directory(dir.toFile())
          .redirectErrorStream(true).start();
      String ccOut = new String(cc.getInputStream().readAllBytes());
      assertThat(cc.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(cc.exitValue()).as(ccOut).isZero();
      Process run = new ProcessBuilder(dir.resolve("layout").toString()).start();
      Map<String, Long> actual = new HashMap<>();
      for (String line : new String(run.getInputStream().readAllBytes()).split("\n")) {
        String[] p = line.split(" ");
        actual.put(p[0], Long.parseUnsignedLong(p[1]));
      }
      assertThat(run.waitFor()).isZero();
      Map<String, Long> expected = new HashMap<>();
      for (String name : actual.keySet()) {
        var f = Kvm.class.getField(name);
        expected.put(name, f.getType() == long.class ? f.getLong(null) : (long) f.getInt(null));
      }
      assertThat(expected).isEqualTo(actual);
    } finally {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void errnoNamesAreTheKernelSpellings() {
    assertThat(new HostException("KVM_RUN", 14)).hasMessage("KVM_RUN: EFAULT (14)");
    assertThat(Errno.name(2)).isEqualTo("ENOENT");
    assertThat(Errno.name(999)).isEqualTo("errno 999");
  }
}
