package dev.jvisor.sentry.platform.kvm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Which kind of /dev/kvm this is; decides where LSTAR points and how a syscall returns. */
public enum Flavour {
  /** Hardware virtualisation (VMX/SVM): SYSCALL enters guest ring 0 at LSTAR, as the architecture says. */
  HARDWARE("hardware KVM (VMX/SVM): ring-0 syscall stub, sysretq"),
  /**
   * The PVM hypervisor (kvm_pvm module): guest ring 0 is emulated instruction by instruction and SYSCALL stays in
   * ring 3, so LSTAR points at a user-executable trampoline that exits through an unbacked store.
   */
  PVM("PVM (kvm_pvm, software hypervisor): ring-3 syscall trampoline, MMIO exit");

  private final String description;

  Flavour(String description) {
    this.description = description;
  }

  public String description() {
    return description;
  }

  /** Detects the flavour: the kvm_pvm module or a CPU without vmx/svm means PVM. */
  public static Flavour detect() {
    String forced = System.getProperty("jvisor.kvm.flavour");
    if (forced != null) {
      return Flavour.valueOf(forced.toUpperCase(java.util.Locale.ROOT));
    }
    if (Files.isDirectory(Path.of("/sys/module/kvm_pvm"))) {
      return PVM;
    }
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("flags")) {
          return line.contains(" vmx") || line.contains(" svm") ? HARDWARE : PVM;
        }
      }
    } catch (IOException e) {
      // fall through: without cpuinfo assume the conservative flavour that works everywhere PVM does
    }
    return PVM;
  }
}
