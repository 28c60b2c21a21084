package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.testing.CriConfigs;
import dev.jvisor.cri.testing.PrivateContainerd;
import dev.jvisor.cri.v1.ContainerConfig;
import dev.jvisor.cri.v1.PodSandboxConfig;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * terminal=true through a real containerd, with runc (the control) and jvisor side by side: {@code ctr run -t}
 * and {@code ctr task exec -t} driven from a host pty (as a person at a terminal; ctr then also sends ResizePty
 * with the pty's 24x80), and a CRI container with {@code tty: true} whose output reaches the CRI log.
 */
@Timeout(300)
class TerminalShimIT {
  @TempDir static Path tmp;
  static PrivateContainerd containerd;
  static Path hostPty;

  @BeforeAll
  static void start() throws Exception {
    containerd = ShimContainerd.start(tmp);
    hostPty = tmp.resolve("hostpty.py");
    try (InputStream in = TerminalShimIT.class.getResourceAsStream("/pty/hostpty.py")) {
      Files.copy(in, hostPty);
    }
  }

  @AfterAll
  static void stop() throws Exception {
    ShimContainerd.stop(containerd);
  }

  @AfterEach
  void nothingLeft() throws Exception {
    Instant end = Instant.now().plusSeconds(10);
    while (!containerd.shimPids().isEmpty() && Instant.now().isBefore(end)) {
      Thread.sleep(100);
    }
    assertThat(containerd.shimPids()).as("shims left").isEmpty();
    assertThat(containerd.mountsUnder()).as("mounts left").isEmpty();
  }

  record Typed(int exitCode, String output) {}

  /** Runs ctr on a host pty, typing each "send" once the output contains the "expect" before it. */
  static Typed onHostPty(List<String> script, String... ctrArgs) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("python3", hostPty.toString()));
    cmd.addAll(script);
    cmd.addAll(List.of("--", PrivateContainerd.CTR, "--address", containerd.socket().toString(), "--namespace",
        "default"));
    cmd.addAll(List.of(ctrArgs));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(150, TimeUnit.SECONDS)).isTrue();
    return new Typed(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @ValueSource(strings = {ContainerdShimIT.RUNC, ContainerdShimIT.JVISOR})
  void ctrRunWithATerminal(String handler) throws Exception {
    ContainerdShimIT.requireFork(handler);
    String id = "tty-" + handler + "-" + UUID.randomUUID().toString().substring(0, 8);
    Typed t = onHostPty(List.of("ready", "hello\\r"), "run", "-t", "--rm", "--runtime",
        ContainerdShimIT.runtimeType(handler), PrivateContainerd.BUSYBOX_IMAGE, id, "sh", "-c",
        "tty; echo ready; read line; until stty size 2>/dev/null | grep -q '24 80'; do sleep 0.1; done;"
            + " echo \"got $line\"; stty size; exit 5");
    // ctr's own terminal (raw) passes the container's bytes through; "hello" is the container terminal's echo and
    // 24 80 the size ctr copies from its terminal with ResizePty (after Start, so the script waits for it).
    assertThat(t.output().replace("\r", "")).as(t.output())
        .contains("/dev/pts/0\nready\nhello\ngot hello\n24 80\n");
    assertThat(t.exitCode()).as(t.output()).isEqualTo(5);
  }

  @ParameterizedTest
  @ValueSource(strings = {ContainerdShimIT.RUNC, ContainerdShimIT.JVISOR})
  void ctrExecWithATerminalRunsAnInteractiveShell(String handler) throws Exception {
    ContainerdShimIT.requireFork(handler);
    String id = "ttyx-" + handler + "-" + UUID.randomUUID().toString().substring(0, 8);
    PrivateContainerd.Result bg = containerd.ctr("default", "run", "-d", "--runtime",
        ContainerdShimIT.runtimeType(handler), PrivateContainerd.BUSYBOX_IMAGE, id, "sleep", "3600");
    assertThat(bg.exitCode()).as(bg.output()).isZero();
    try {
      Typed t = onHostPty(List.of("# ", "echo $((6*7)) $(tty)\\r", "42 /dev/pts/", "exit 4\\r"), "task", "exec",
          "-t", "--exec-id", "sh1", id, "sh");
      // Between prompts busybox's line editor writes its own escapes (a cursor query, clear-to-end): skip them.
      assertThat(t.output().replace("\r", "")).as(t.output()).containsPattern("\n42 /dev/pts/\\d+\n");
      assertThat(t.exitCode()).as(t.output()).isEqualTo(4);
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

  @ParameterizedTest
  @ValueSource(strings = {ContainerdShimIT.RUNC, ContainerdShimIT.JVISOR})
  void criTtyContainerWritesItsTerminalOutputToTheLog(String handler) throws Exception {
    ContainerdShimIT.requireFork(handler);
    Path logs = Files.createDirectories(tmp.resolve("tty-logs-" + handler + "-" + UUID.randomUUID()));
    try (CriClient cri = containerd.cri()) {
      PodSandboxConfig pod = CriConfigs.pod("tty-" + handler, logs, false);
      String podId = cri.runPodSandbox(pod, handler);
      try {
        ContainerConfig config = CriConfigs.container("app", PrivateContainerd.BUSYBOX_IMAGE,
            List.of("sh", "-c", "tty; stty -a | head -1; [ -t 1 ] && echo isatty; echo done; exec sleep 3600"), "app.log", pod)
            .toBuilder().setTty(true).build();
        String cid = cri.createContainer(podId, config, pod);
        cri.startContainer(cid);
        Path log = logs.resolve("app.log");
        for (Instant end = Instant.now().plusSeconds(30); Instant.now().isBefore(end); Thread.sleep(100)) {
          if (Files.exists(log) && Files.readString(log).contains("done")) {
            break;
          }
        }
        String text = Files.readString(log);
        // No one resized this terminal (0x0, as runc's console starts), so busybox's stty leaves out rows and
        // columns; runc's and jvisor's logs read the same, line for line.
        assertThat(text.replaceAll("(?m)^\\S+ ", "")).as(text).isEqualTo(String.join("\n",
            "stdout F /dev/pts/0", "stdout F stty: standard input: Inappropriate ioctl for device",
            "stdout F speed 38400 baud; line = 0;", "stdout F isatty", "stdout F done", ""));
        cri.stopContainer(cid, java.time.Duration.ofSeconds(2));
        cri.removeContainer(cid);
      } finally {
        ContainerdShimIT.removePod(cri, podId);
      }
    }
  }
}
