package dev.jvisor.sentry.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.host.LibC;
import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.SandboxProcess;
import dev.jvisor.sentry.Stdio;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Freeze/thaw (the shim's Pause/Resume), the CPU time the shim reports in Stats, and out-of-memory reports. */
class FreezeIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  /** How long a frozen sandbox is watched for progress it must not make. */
  private static final Duration WATCH = Duration.ofMillis(500);
  @TempDir Path tmp;
  private Sandbox sandbox;

  @BeforeEach
  void boot() {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(256L << 20));
  }

  @AfterEach
  void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  private long awaitGrowth(Path file, long than) throws InterruptedException {
    long end = System.nanoTime() + PATIENCE.toNanos();
    long size = file.toFile().length();
    while (size <= than && System.nanoTime() < end) {
      Thread.sleep(20);
      size = file.toFile().length();
    }
    return size;
  }

  @Test
  void aFrozenSandboxMakesNoProgressAndResumesWhereItWas() throws Exception {
    Path out = Files.createFile(tmp.resolve("count"));
    int fd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_APPEND, 0);
    SandboxProcess p;
    try {
      // Two processes: a counting shell and a pure-CPU child, so both syscall-heavy and spinning tasks are frozen.
      p = sandbox.start(ProcessSpec.of(List.of("busybox", "sh", "-c",
          "(while :; do :; done) & i=0; while :; do i=$((i+1)); echo $i; done"),
          List.of("PATH=/bin:/usr/bin")), new Stdio(-1, fd, fd));
    } finally {
      LibC.close(fd);
    }
    awaitGrowth(out, 1000);
    long cpuBefore = sandbox.cpuNanos();
    sandbox.freeze();
    Thread.sleep(50); // a write already inside the host kernel may still land
    long frozenSize = out.toFile().length();
    Thread.sleep(WATCH.toMillis());
    assertThat(out.toFile().length()).as("no output while frozen").isEqualTo(frozenSize);
    assertThat(p.isAlive()).isTrue();
    sandbox.thaw();
    assertThat(awaitGrowth(out, frozenSize)).as("output again after thaw").isGreaterThan(frozenSize);
    assertThat(sandbox.cpuNanos()).isGreaterThan(cpuBefore).isPositive();
    // The counter continued from where it was: the last full line before freezing is followed by its successor.
    String text = Files.readString(out);
    String[] lines = text.substring(0, text.lastIndexOf('\n')).split("\n");
    for (int i = 1; i < lines.length; i++) {
      assertThat(Long.parseLong(lines[i])).isEqualTo(Long.parseLong(lines[i - 1]) + 1);
    }
    sandbox.freeze();
    p.signal(9);
    assertThat(p.waitFor(PATIENCE)).as("SIGKILL ends a frozen process").isEqualTo(128 + 9);
    sandbox.thaw();
  }

  @Test
  void freezingOneContainerOfASharedSentryLeavesTheOtherRunning() throws Exception {
    // A second container: its own root (a static busybox is all it needs), in this sandbox's PID space.
    Path root = Files.createDirectories(tmp.resolve("second/bin"));
    Files.copy(Path.of("/bin/busybox"), root.resolve("busybox"));
    Path second = root.getParent();
    Path frozenOut = Files.createFile(tmp.resolve("frozen"));
    Path runningOut = Files.createFile(tmp.resolve("running"));
    String counter = "i=0; while :; do i=$((i+1)); echo $i; done";
    SandboxProcess paused = startCounter(frozenOut, List.of("/bin/busybox", "sh", "-c",
        "(while :; do :; done) & " + counter), second);
    SandboxProcess other = startCounter(runningOut, List.of("busybox", "sh", "-c", counter), null);
    awaitGrowth(frozenOut, 1000);
    awaitGrowth(runningOut, 1000);
    sandbox.freeze(second);
    Thread.sleep(50); // a write already inside the host kernel may still land
    long frozenSize = frozenOut.toFile().length();
    long runningSize = runningOut.toFile().length();
    Thread.sleep(WATCH.toMillis());
    assertThat(frozenOut.toFile().length()).as("no output from the frozen container").isEqualTo(frozenSize);
    assertThat(awaitGrowth(runningOut, runningSize)).as("the other container runs on").isGreaterThan(runningSize);
    sandbox.thaw(second);
    assertThat(awaitGrowth(frozenOut, frozenSize)).as("output again after thaw").isGreaterThan(frozenSize);
    sandbox.freeze(second);
    paused.signal(9);
    assertThat(paused.waitFor(PATIENCE)).as("SIGKILL ends a frozen container's process").isEqualTo(128 + 9);
    assertThat(other.isAlive()).isTrue();
    sandbox.thaw(second);
    other.signal(9);
    assertThat(other.waitFor(PATIENCE)).isEqualTo(128 + 9);
  }

  private SandboxProcess startCounter(Path out, List<String> argv, Path root) {
    int fd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_APPEND, 0);
    try {
      return sandbox.start(ProcessSpec.of(argv, List.of("PATH=/bin:/usr/bin")), new Stdio(-1, fd, fd), root);
    } finally {
      LibC.close(fd);
    }
  }

  @Test
  void aLoweredMemoryLimitBoundsTheGuestButCannotGrowIt() throws Exception {
    // 256 MiB of guest memory, limited to 64 MiB: a 128 MiB touch meets the OOM killer.
    sandbox.limitMemory(64L << 20);
    assertThat(sandbox.memoryLimit()).isEqualTo(64L << 20);
    SandboxProcess p = sandbox.start(ProcessSpec.of(List.of("python3", "-c",
        "b = bytearray(128 << 20)\nprint('allocated')"), List.of("PATH=/bin:/usr/bin")), new Stdio(-1, -1, -1));
    assertThat(p.waitFor(PATIENCE)).isEqualTo(128 + 9);
    // Back up to the boot size: the same touch fits.
    sandbox.limitMemory(256L << 20);
    p = sandbox.start(ProcessSpec.of(List.of("python3", "-c", "b = bytearray(128 << 20)"),
        List.of("PATH=/bin:/usr/bin")), new Stdio(-1, -1, -1));
    assertThat(p.waitFor(PATIENCE)).isZero();
    assertThatThrownBy(() -> sandbox.limitMemory(512L << 20)).isInstanceOf(SandboxException.class)
        .hasMessageContaining("cannot grow");
    // Below what a running process holds: refused, the limit stays.
    SandboxProcess holder = sandbox.start(ProcessSpec.of(List.of("python3", "-c",
        "import time\nb = b'x' * (100 << 20)\nprint('held', flush=True)\ntime.sleep(60)"),
        List.of("PATH=/bin:/usr/bin")), new Stdio(-1, -1, -1));
    for (long end = System.nanoTime() + PATIENCE.toNanos(); sandbox.guestMemoryInUse() < (100L << 20)
        && System.nanoTime() < end; ) {
      Thread.sleep(20);
    }
    assertThatThrownBy(() -> sandbox.limitMemory(64L << 20)).isInstanceOf(SandboxException.class)
        .hasMessageContaining("in use");
    assertThat(sandbox.memoryLimit()).isEqualTo(256L << 20);
    holder.signal(9);
    holder.waitFor(PATIENCE);
  }

  @Test
  void runningOutOfGuestMemoryIsReported() throws Exception {
    sandbox.close();
    sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(48L << 20));
    java.util.concurrent.atomic.AtomicInteger reports = new java.util.concurrent.atomic.AtomicInteger();
    java.util.List<dev.jvisor.sentry.OomKill> kills = new java.util.concurrent.CopyOnWriteArrayList<>();
    sandbox.onOutOfMemory(reports::incrementAndGet);
    sandbox.onOomKill(kills::add);
    SandboxProcess p = sandbox.start(ProcessSpec.of(List.of("python3", "-c",
        "b = bytearray(256 << 20)\nprint('allocated')"), List.of("PATH=/bin:/usr/bin")), new Stdio(-1, -1, -1));
    int status = p.waitFor(PATIENCE);
    assertThat(status).as("a 256 MiB touch in 48 MiB meets the OOM killer: SIGKILL").isEqualTo(128 + 9);
    assertThat(reports.get()).as("out-of-memory reports (one per second at most)").isPositive();
    assertThat(kills).as("the OOM killer's victims").containsExactly(
        new dev.jvisor.sentry.OomKill(p.pid(), "python3", Path.of("/")));
    assertThat(sandbox.oomKills()).isOne();
  }
}
