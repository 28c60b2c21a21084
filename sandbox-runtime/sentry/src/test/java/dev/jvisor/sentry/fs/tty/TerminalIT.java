package dev.jvisor.sentry.fs.tty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxProcess;
import dev.jvisor.sentry.Stdio;
import dev.jvisor.sentry.Terminal;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Programs on a Sentry pseudo-terminal, compared where practical with the same program on a host pty (python3's
 * pty module): tty names, window size, termios defaults, line editing with echo, ^C to the foreground job, ^D,
 * SIGWINCH on resize, hangup.
 */
class TerminalIT {
  /** Bounds for waiting on output; a correct run takes milliseconds, these only stop a broken one. */
  private static final Duration PATIENCE = Duration.ofSeconds(30);
  private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin", "PS1=$ ", "TERM=dumb");
  private Sandbox sandbox;

  @BeforeEach
  void boot() {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(512L << 20).withLog(System.err));
  }

  @AfterEach
  void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** The guest side of one terminal session: output is collected by a reader thread until the slave closes. */
  private final class Session {
    final Terminal term;
    final SandboxProcess process;
    private final ByteArrayOutputStream seen = new ByteArrayOutputStream();
    private final Thread reader;

    Session(String... argv) {
      term = sandbox.openTerminal(80, 24);
      process = sandbox.start(ProcessSpec.of(List.of(argv), ENV), Stdio.withTerminal(term));
      reader = new Thread(() -> {
        byte[] buf = new byte[4096];
        try {
          int n;
          while ((n = term.read(buf, 0, buf.length, null)) >= 0) {
            synchronized (seen) {
              seen.write(buf, 0, n);
              seen.notifyAll();
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        synchronized (seen) {
          seen.notifyAll();
        }
      }, "tty-reader");
      reader.setDaemon(true);
      reader.start();
    }

    void type(String s) throws InterruptedException {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      term.write(b, 0, b.length);
    }

    String output() {
      synchronized (seen) {
        return seen.toString(StandardCharsets.UTF_8);
      }
    }

    /** Waits until the output contains {@code text}; returns the whole output. */
    String awaitOutput(String text) throws InterruptedException {
      long deadline = System.nanoTime() + PATIENCE.toNanos();
      synchronized (seen) {
        while (!seen.toString(StandardCharsets.UTF_8).contains(text) && System.nanoTime() < deadline) {
          seen.wait(100);
        }
      }
      assertThat(output()).as("terminal output").contains(text);
      return output();
    }

    /** The exit status, and the output once the guest has closed the slave. */
    int exit() throws InterruptedException {
      int status = process.waitFor(PATIENCE);
      reader.join(PATIENCE.toMillis());
      return status;
    }
  }

  /** Runs {@code argv} on a host pty of 80x24 as a session leader, like the sandbox does; returns its output. */
  private static String onHostPty(String... argv) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3", "-c", String.join("\n",
        "import os, pty, sys, struct, fcntl, termios, subprocess",
        "m, s = pty.openpty()",
        "fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack('HHHH', 24, 80, 0, 0))",
        "p = subprocess.Popen(sys.argv[1:], stdin=s, stdout=s, stderr=s, start_new_session=True,",
        "    preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))",
        "os.close(s)",
        "out = b''",
        "while True:",
        "    try:",
        "        d = os.read(m, 4096)",
        "    except OSError:",
        "        break",
        "    if not d: break",
        "    out += d",
        "p.wait()",
        "sys.stdout.buffer.write(out)")));
    cmd.addAll(List.of(argv));
    Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).isTrue();
    return new String(out, StandardCharsets.UTF_8);
  }

  @Test
  void ttyNameWindowSizeAndTermiosMatchAHostPty() throws Exception {
    String script = "tty; stty size; stty -a; [ -t 0 ] && echo isatty; echo done";
    Session s = new Session("busybox", "sh", "-c", script);
    assertThat(s.exit()).isZero();
    String host = onHostPty("busybox", "sh", "-c", script);
    assertThat(s.output()).startsWith("/dev/pts/0\r\n24 80\r\n").endsWith("isatty\r\ndone\r\n");
    // Same text but for the pts number the host happened to hand out.
    assertThat(s.output()).isEqualTo(host.replaceFirst("^/dev/pts/\\d+", "/dev/pts/0"));
  }

  @Test
  void anInteractiveShellEchoesEditedLinesAndRunsThem() throws Exception {
    Session s = new Session("busybox", "sh", "-i");
    s.awaitOutput("$ ");
    // Busybox's own line editor runs the terminal raw; the typo is erased with DEL before Enter.
    s.type("echo hel''lo wold\u007f\u007frld\r");
    s.awaitOutput("hello world\r\n");
    s.type("ls /dev/pts; exit 3\r");
    assertThat(s.exit()).isEqualTo(3);
    // The line (echoed by busybox, or first by the terminal when typed ahead of the prompt), then what ls printed.
    assertThat(s.output()).contains("ls /dev/pts; exit 3\r\n0\r\n");
  }

  @Test
  void catSeesCanonicalLinesAndEndsAtControlD() throws Exception {
    Session s = new Session("cat");
    s.type("abc\u007fd\r");
    s.awaitOutput("d\r\nabd\r\n");
    s.type("\u0004");
    assertThat(s.exit()).isZero();
    // The echo of the erased character, then the line once more from cat.
    assertThat(s.output()).isEqualTo("abc\b \bd\r\nabd\r\n");
  }

  @Test
  void controlCInterruptsTheForegroundJobNotTheShell() throws Exception {
    Session s = new Session("busybox", "sh", "-i");
    s.awaitOutput("$ ");
    // "started" comes from the job itself, so the shell has left its raw line-editing mode (where ^C is data)
    // and handed the terminal to the job's process group by then.
    s.type("sh -c 'echo started; exec sleep 60'\r");
    s.awaitOutput("started\r\n");
    s.type("\u0003");
    s.awaitOutput("^C");
    s.type("echo after $?\r");
    s.awaitOutput("after 130");
    s.type("exit\r");
    assertThat(s.exit()).isZero();
  }

  @Test
  void resizeSendsSigwinchToTheForegroundGroup() throws Exception {
    Session s = new Session("busybox", "sh", "-c",
        "trap 'stty size; exit 0' WINCH; echo ready; while :; do sleep 0.05; done");
    s.awaitOutput("ready");
    s.term.resize(132, 43);
    s.awaitOutput("43 132");
    assertThat(s.exit()).isZero();
  }

  @Test
  void hangupEndsTheSessionWithSighup() throws Exception {
    Session s = new Session("busybox", "sh", "-c", "echo ready; exec sleep 60");
    s.awaitOutput("ready");
    s.term.close();
    assertThat(s.exit()).isEqualTo(128 + 1);
  }
}
