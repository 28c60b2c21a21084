package dev.jvisor.sentry.platform.kvm;

import static dev.jvisor.host.Kvm.REG_RAX;
import static dev.jvisor.host.Kvm.REG_RIP;
import static dev.jvisor.host.Kvm.REG_RSP;
import static dev.jvisor.sentry.arch.X86.PTE_NX;
import static dev.jvisor.sentry.arch.X86.PTE_P;
import static dev.jvisor.sentry.arch.X86.PTE_U;
import static dev.jvisor.sentry.arch.X86.PTE_W;

import dev.jvisor.sentry.arch.FastTrampoline;
import dev.jvisor.sentry.mm.PageTable;
import dev.jvisor.sentry.platform.ExitKind;
import dev.jvisor.sentry.platform.Vcpu;

/**
 * The bare mechanism a guest syscall takes to reach Java, with an empty handler: a ring-3 loop of SYSCALL
 * instructions on this machine's platform, each completed by the host with no syscall table, no strace, no
 * kernel. `jvisor bench exit` reports it next to the sandboxed getppid loop (docs/benchmarks.md).
 */
public final class ExitBench {
  private ExitBench() {}

  /** Runs {@code n} syscall round trips after {@code n / 4} warm-up ones; returns ns per round trip. */
  public static double nanosPerSyscall(int n) {
    try (KvmMachine m = new KvmMachine(64L << 20, Flavour.detect())) {
      PageTable pt = m.newPageTable();
      long code = m.memory().allocateFrame();
      long stack = m.memory().allocateFrame();
      // loop: mov eax, 110 (getppid); syscall; jmp loop
      byte[] loop = {(byte) 0xB8, 110, 0, 0, 0, 0x0F, 0x05, (byte) 0xEB, (byte) 0xF7};
      m.memory().write(code, loop, 0, loop.length);
      pt.map(0x400000, code | PTE_P | PTE_U);
      pt.map(0x7000_0000L - 4096, stack | PTE_P | PTE_W | PTE_U | PTE_NX);
      Vcpu v = m.newVcpu();
      try {
        v.setPageTableRoot(pt.root());
        v.setReg(REG_RIP, 0x400000);
        v.setReg(REG_RSP, 0x7000_0000L - 64);
        run(v, n / 4);
        long t0 = System.nanoTime();
        run(v, n);
        return (System.nanoTime() - t0) / (double) n;
      } finally {
        v.close();
      }
    }
  }

  /**
   * The shared-page path with an empty handler: the same guest loop, with the request page enabled and a host
   * thread that answers each request at once. Returns ns per round trip over {@code n} requests (after n / 4).
   */
  public static double nanosPerSharedPageSyscall(int n) {
    try (KvmMachine m = new KvmMachine(64L << 20, Flavour.detect())) {
      PageTable pt = m.newPageTable();
      long req = m.requestPage(pt);
      if (req < 0) {
        return Double.NaN; // hardware flavour: no request page
      }
      var mem = m.memory();
      long code = mem.allocateFrame();
      long stack = mem.allocateFrame();
      byte[] loop = {(byte) 0xB8, 110, 0, 0, 0, 0x0F, 0x05, (byte) 0xEB, (byte) 0xF7};
      mem.write(code, loop, 0, loop.length);
      pt.map(0x400000, code | PTE_P | PTE_U);
      pt.map(0x7000_0000L - 4096, stack | PTE_P | PTE_W | PTE_U | PTE_NX);
      boolean[] servedNrs = new boolean[FastTrampoline.MAX_NR + 1];
      servedNrs[110] = true;
      byte[] map = FastTrampoline.servedMap(servedNrs);
      mem.write(req + FastTrampoline.SERVED_MAP, map, 0, map.length);
      mem.setIntRelease(req + FastTrampoline.ENABLED, 1);
      int warm = n / 4;
      long[] times = new long[2];
      Thread poller = new Thread(() -> {
        for (int served = 0; served < warm + n; ) {
          if (mem.getIntAcquire(req + FastTrampoline.STATE) == FastTrampoline.REQUEST
              && mem.compareAndSetInt(req + FastTrampoline.STATE, FastTrampoline.REQUEST, FastTrampoline.SERVING)) {
            mem.putLong(req + FastTrampoline.RESULT, 1);
            mem.setIntRelease(req + FastTrampoline.STATE, FastTrampoline.DONE);
            served++;
            if (served == warm) {
              times[0] = System.nanoTime();
            }
          } else {
            Thread.onSpinWait();
          }
        }
        times[1] = System.nanoTime();
      }, "jvisor-bench-poller");
      Vcpu v = m.newVcpu();
      try {
        v.setPageTableRoot(pt.root());
        v.setReg(REG_RIP, 0x400000);
        v.setReg(REG_RSP, 0x7000_0000L - 64);
        poller.start();
        // Requests the poller misses (it is starting, or has stopped) time out into exits: complete those and
        // run again until the poller has answered all of its share.
        while (poller.isAlive()) {
          if (v.run() != ExitKind.SYSCALL) {
            throw new IllegalStateException("unexpected exit: " + v.exitDetail());
          }
          v.completeSyscall(1);
        }
        poller.join();
        return (times[1] - times[0]) / (double) n;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Double.NaN;
      } finally {
        v.close();
      }
    }
  }

  private static void run(Vcpu v, int n) {
    for (int i = 0; i < n; i++) {
      if (v.run() != ExitKind.SYSCALL) {
        throw new IllegalStateException("unexpected exit: " + v.exitDetail());
      }
      v.completeSyscall(v.reg(REG_RAX) == 110 ? 1 : -38);
    }
  }
}
