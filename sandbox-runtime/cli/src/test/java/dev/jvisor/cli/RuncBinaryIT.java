package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.cri.testing.PrivateContainerd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** jvisor as a runc replacement under containerd's own runc shim ({@code ctr run --runc-binary}). */
@Timeout(180)
class RuncBinaryIT {
  @TempDir static Path tmp;
  static PrivateContainerd containerd;
  static Path binary;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(PrivateContainerd.available(), "containerd is not installed");
    SentryProbe.cannotRunPrograms().ifPresent(why -> assumeTrue(false, why));
    binary = ShimLauncher.writeRuncBinary(tmp.resolve("bin"));
    containerd = PrivateContainerd.start(null, null);
    containerd.importTestImages();
  }

  @AfterAll
  static void stop() throws Exception {
    if (containerd != null) {
      containerd.close();
      assertThat(containerd.shimPids()).isEmpty();
    }
  }

  @Test
  void runcShimDrivesJvisorRunExitCodeAndKill() throws Exception {
    PrivateContainerd.Result r = containerd.ctr("default", "run", "--rm", "--runc-binary", binary.toString(),
        PrivateContainerd.BUSYBOX_IMAGE, "rb1", "uname", "-sr");
    assertThat(r.output().trim()).as(r.output()).isEqualTo("Linux 4.4.0");
    assertThat(r.exitCode()).isZero();
    PrivateContainerd.Result fail = containerd.ctr("default", "run", "--rm", "--runc-binary", binary.toString(),
        PrivateContainerd.BUSYBOX_IMAGE, "rb2", "sh", "-c", "exit 7");
    assertThat(fail.exitCode()).as(fail.output()).isEqualTo(7);

    assertThat(containerd.ctr("default", "run", "-d", "--runc-binary", binary.toString(),
        PrivateContainerd.BUSYBOX_IMAGE, "rb3", "sleep", "600").exitCode()).isZero();
    PrivateContainerd.Result exec = containerd.ctr("default", "task", "exec", "--exec-id", "e1", "rb3",
        "uname", "-s");
    assertThat(exec.output().trim()).as(exec.output()).isEqualTo("Linux");
    assertThat(containerd.ctr("default", "task", "kill", "-s", "SIGKILL", "rb3").exitCode()).isZero();
    Instant end = Instant.now().plusSeconds(20);
    String ls = "";
    while (Instant.now().isBefore(end)) {
      ls = containerd.ctr("default", "task", "ls").output();
      if (ls.contains("STOPPED")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(ls).containsPattern("rb3\\s+\\d+\\s+STOPPED");
    assertThat(containerd.ctr("default", "task", "rm", "rb3").exitCode()).isZero();
    assertThat(containerd.ctr("default", "container", "rm", "rb3").exitCode()).isZero();
  }

  /**
   * {@code ctr run -t} and {@code ctr task exec -t} through containerd's runc shim: jvisor's create/exec send a host
   * pty master over --console-socket and bridge its slave to a Sentry terminal; ctr's ResizePty reaches the guest.
   */
  @Test
  void runcShimGetsATerminalThroughTheConsoleSocket() throws Exception {
    SentryProbe.cannotFork().ifPresent(why -> assumeTrue(false, why));
    Path hostPty = Files.createDirectories(tmp.resolve("pty")).resolve("hostpty.py");
    try (java.io.InputStream in = RuncBinaryIT.class.getResourceAsStream("/pty/hostpty.py")) {
      Files.copy(in, hostPty, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
    Process p = new ProcessBuilder("python3", hostPty.toString(), "ready", "hello\\r", "--", PrivateContainerd.CTR,
        "--address", containerd.socket().toString(), "--namespace", "default", "run", "-t", "--rm",
        "--runc-binary", binary.toString(), PrivateContainerd.BUSYBOX_IMAGE,
        "rb-tty-" + java.util.UUID.randomUUID().toString().substring(0, 8), "sh", "-c",
        "tty; echo ready; read line; until stty size 2>/dev/null | grep -q '24 80'; do sleep 0.1; done;"
            + " echo \"got $line\"; stty size; exit 5").redirectErrorStream(true).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(p.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    assertThat(out.replace("\r", "")).as(out).contains("/dev/pts/0\nready\nhello\ngot hello\n24 80\n");
    assertThat(p.exitValue()).as(out).isEqualTo(5);

    // exec -t: runc's shim calls `exec --detach --console-socket S --tty`.
    String id = "rb-x-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    assertThat(containerd.ctr("default", "run", "-d", "--runc-binary", binary.toString(),
        PrivateContainerd.BUSYBOX_IMAGE, id, "sleep", "600").exitCode()).isZero();
    try {
      Process x = new ProcessBuilder("python3", hostPty.toString(), "# ", "echo $((6*7)) $(tty)\\r",
          "42 /dev/pts/", "exit 4\\r", "--", PrivateContainerd.CTR, "--address", containerd.socket().toString(),
          "--namespace", "default", "task", "exec", "-t", "--exec-id", "sh1", id, "sh")
          .redirectErrorStream(true).start();
      x.getOutputStream().close();
      String xout = new String(x.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(x.waitFor(150, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      assertThat(xout.replace("\r", "")).as(xout).containsPattern("\n42 /dev/pts/\\d+\n");
      assertThat(x.exitValue()).as(xout).isEqualTo(4);
    } finally {
      containerd.ctr("default", "task", "kill", "-s", "SIGKILL", id);
      for (Instant end = Instant.now().plusSeconds(20); Instant.now().isBefore(end); Thread.sleep(100)) {
        if (containerd.ctr("default", "task", "rm", id).exitCode() == 0) {
          break;
        }
      }
      containerd.ctr("default", "container", "rm", id);
    }
  }
}
