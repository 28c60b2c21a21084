package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A process that runs the guest out of memory is killed with SIGKILL, as Linux's OOM killer does in a memory cgroup
 * of the same size, and the sandbox goes on serving its other processes.
 */
class OomIT {
  private static final Path CWD = Path.of("/");
  /** Guest memory, and the native cgroup's limit. */
  private static final long LIMIT = 64L << 20;
  private static final List<String> OPTS = List.of("--memory", (LIMIT >> 20) + "M");
  /** Grows by 1 MiB of written bytes at a time until something stops it. */
  private static final String HOG = "/usr/bin/python3 -c 'a = []\nwhile True: a.append(b\"x\" * (1 << 20))'";
  /** The hog, then the shell that started it reports how it ended and keeps going. */
  private static final String SCRIPT = HOG + "\necho \"hog ended with $?\"\necho still serving";
  private static final String EXPECTED = "hog ended with 137\nstill serving\n";

  @BeforeEach
  void kvm() {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
  }

  @Test
  void aHogIsKilledWithSigkillTheShellGoesOnAndDmesgSaysSo() throws Exception {
    Runs.Result r = Runs.sandboxed(CWD, OPTS, "/bin/sh", "-c", SCRIPT + "\ndmesg | grep 'Out of memory'");
    assertThat(r.stdout()).as(r.stderr()).startsWith(EXPECTED)
        .containsPattern("\\[ *\\d+\\.\\d{6}\\] Out of memory: Killed process \\d+ \\(python3\\) total-vm:\\d+kB, "
            + "anon-rss:\\d+kB, file-rss:\\d+kB, shmem-rss:0kB, UID:0 pgtables:\\d+kB oom_score_adj:0\n");
    assertThat(r.exit()).isZero();
  }

  @Test
  void theHogEndsAsItDoesNativelyInAMemoryCgroupOfTheSameSize() throws Exception {
    Runs.Result host;
    try (NativeMemoryCgroup cgroup = NativeMemoryCgroup.create(LIMIT)) {
      assumeTrue(cgroup != null, "no writable memory cgroup here to run the hog natively");
      host = cgroup.run(CWD, SCRIPT);
    }
    assertThat(host.stdout()).as(host.stderr()).isEqualTo(EXPECTED);
    Runs.Result r = Runs.sandboxed(CWD, OPTS, "/bin/sh", "-c", SCRIPT);
    assertThat(r.stdout()).as(r.stderr()).isEqualTo(host.stdout());
    assertThat(r.exit()).isEqualTo(host.exit()).isZero();
  }

  @Test
  void mmapBeyondTheAddressSpaceStillFailsWithEnomem() throws Exception {
    // Address-space failures are not the OOM killer's: mmap answers ENOMEM and the process handles it.
    String script = "import mmap\ntry:\n  mmap.mmap(-1, 1 << 50)\nexcept OSError as e:\n  print(e.errno)";
    Runs.Result host = Runs.natively(CWD, "/usr/bin/python3", "-c", script);
    Runs.Result r = Runs.sandboxed(CWD, OPTS, "/usr/bin/python3", "-c", script);
    assertThat(r.stdout()).as(r.stderr()).isEqualTo(host.stdout()).isEqualTo("12\n");
    assertThat(r.exit()).isEqualTo(host.exit()).isZero();
  }
}
