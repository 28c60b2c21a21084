package dev.jvisor.cli;

import dev.jvisor.host.Kvm;
import dev.jvisor.sentry.platform.kvm.ExitBench;
import dev.jvisor.sentry.platform.kvm.Flavour;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jvisor bench exit}: the platform's bare syscall round trip, for docs/benchmarks.md. */
@Command(name = "bench", description = "Measure the platform's bare syscall round trips (guest SYSCALL -> Java -> "
    + "guest, empty handler): through a VM exit, and through the shared request page.")
final class BenchCommand implements Callable<Integer> {
  @Option(names = {"-n", "--iterations"}, defaultValue = "20000", description = "Round trips (default ${DEFAULT-VALUE}).")
  int iterations;

  @Override
  public Integer call() {
    String cause = Kvm.unavailabilityCause();
    if (cause != null) {
      System.err.println("jvisor: " + cause);
      return 125;
    }
    if (iterations < 100 || iterations > 10_000_000) {
      System.err.println("jvisor: --iterations must be between 100 and 10000000");
      return 2;
    }
    double ns = ExitBench.nanosPerSyscall(iterations);
    System.out.printf("platform %s%nbare_syscall_exit_ns %.0f%n", Flavour.detect().name().toLowerCase(), ns);
    double shared = ExitBench.nanosPerSharedPageSyscall(iterations * 10);
    if (!Double.isNaN(shared)) {
      System.out.printf("bare_shared_page_ns %.0f%n", shared);
    }
    return 0;
  }
}
