package dev.jvisor.shim.task;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import dev.jvisor.host.LibC;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * containerd opens the read end of an exec's stdout fifo in a goroutine that may come after Start: a process that
 * prints and ends before then must not lose its output (the ExecSync that hung until its deadline).
 */
@Timeout(30)
class FifosTest {
  /** How late the reader comes: far longer than a process that prints one line takes. */
  private static final Duration LATE_READER = Duration.ofMillis(300);
  /** open(2)'s access-mode bits. */
  private static final int O_ACCMODE = 3;
  @TempDir Path tmp;

  @Test
  void outputWrittenBeforeALateReaderOpensTheFifoReachesIt() throws Exception {
    Path fifo = tmp.resolve("stdout");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    byte[] line = "Linux 4.4.0\n".getBytes(StandardCharsets.UTF_8);
    // The process: opens its stdout, prints a line, ends (its last fd of the fifo closes).
    CompletableFuture<Void> process = CompletableFuture.runAsync(() -> {
      int fd = Fifos.openOutput(fifo.toString());
      try (Memory m = new Memory(line.length)) {
        m.write(0, line, 0, line.length);
        assertThat(LibC.write(fd, Pointer.nativeValue(m), line.length)).isEqualTo(line.length);
      } finally {
        LibC.close(fd);
      }
    });
    Thread.sleep(LATE_READER.toMillis());
    assertThat(process).as("the writer waits for its reader instead of going ahead alone").isNotDone();
    // containerd's reader arrives (non-blocking here, so that a writer that went ahead fails the test, not hangs).
    int reader = LibC.open(fifo.toString(), LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC, 0);
    assertThat(reader).isNotNegative();
    try (Memory buf = new Memory(256)) {
      process.get(10, TimeUnit.SECONDS);
      long n = LibC.read(reader, Pointer.nativeValue(buf), 256);
      assertThat(n).isEqualTo(line.length);
      assertThat(new String(buf.getByteArray(0, (int) n), StandardCharsets.UTF_8)).isEqualTo("Linux 4.4.0\n");
      assertThat(LibC.read(reader, Pointer.nativeValue(buf), 256)).as("then EOF").isZero();
    } finally {
      LibC.close(reader);
    }
  }

  @Test
  void aReaderAlreadyThereIsWrittenToAtOnce() throws Exception {
    Path fifo = tmp.resolve("ready");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    int reader = LibC.open(fifo.toString(), LibC.O_RDONLY | LibC.O_NONBLOCK | LibC.O_CLOEXEC, 0);
    try {
      long t0 = System.nanoTime();
      int fd = Fifos.openOutput(fifo.toString());
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Fifos.READER_WAIT);
      assertThat(LibC.fcntl(fd, Fifos.F_GETFL, 0) & O_ACCMODE).as("write-only").isEqualTo(LibC.O_WRONLY);
      LibC.close(fd);
    } finally {
      LibC.close(reader);
    }
  }
}
