package dev.jvisor.cri.testing;

import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.v1.PodSandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away containerd (Debian's 1.6 package) for integration tests: its own root, state, sockets and CRI stream
 * port, config version 2 with runtime handlers {@code runc} (the control) and {@code jvisor}
 * ({@code io.containerd.jvisor.v1} at a given shim path). {@link #close()} removes pods and tasks, stops containerd,
 * kills shims it left (found by its socket address in their command line), unmounts what lies under its root and
 * deletes the directory.
 */
public final class PrivateContainerd implements AutoCloseable {
  public static final String CONTAINERD = "/usr/bin/containerd";
  public static final String CTR = "/usr/bin/ctr";
  public static final String PAUSE_IMAGE = "jvisor.dev/test/pause:1";
  public static final String BUSYBOX_IMAGE = "jvisor.dev/test/busybox:1";
  public static final String CRI_NAMESPACE = "k8s.io";
  static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
  static final Duration CTR_TIMEOUT = Duration.ofSeconds(120);
  /** sun_path holds 108 bytes; containerd's ".ttrpc" sibling needs room too. */
  static final int MAX_SOCKET_PATH = 100;
  /** Set to true to keep the directory (config, containerd.log) for a post-mortem. */
  public static final String KEEP_PROPERTY = "jvisor.test.keepContainerd";

  private final Path dir;
  private final Path socket;
  private final Process process;

  private PrivateContainerd(Path dir, Path socket, Process process) {
    this.dir = dir;
    this.socket = socket;
    this.process = process;
  }

  /** Whether this machine can run one (for assumptions in tests). */
  public static boolean available() {
    return Files.isExecutable(Path.of(CONTAINERD)) && Files.isExecutable(Path.of(CTR));
  }

  /**
   * Starts containerd and waits until CRI answers.
   *
   * @param jvisorShim absolute path of {@code containerd-shim-jvisor-v1}, or null to configure runc only
   * @param jvisorConfig a jvisor options TOML passed as {@code runtimeoptions.v1.Options.ConfigPath}, or null
   */
  public static PrivateContainerd start(Path jvisorShim, Path jvisorConfig) throws IOException {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "jvctrd-");
    Path socket = dir.resolve("c.sock");
    if (socket.toString().length() + ".ttrpc".length() > MAX_SOCKET_PATH) {
      throw new IOException("socket path too long for sun_path: " + socket);
    }
    Files.createDirectories(dir.resolve("cni/bin"));
    Files.createDirectories(dir.resolve("cni/conf"));
    Path config = dir.resolve("config.toml");
    Files.writeString(config, configToml(dir, socket, jvisorShim, jvisorConfig));
    ProcessBuilder pb = new ProcessBuilder(CONTAINERD, "--config", config.toString())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("containerd.log").toFile());
    if (jvisorShim != null) {
      // ctr --runtime io.containerd.jvisor.v1 finds containerd-shim-jvisor-v1 on containerd's PATH.
      pb.environment().merge("PATH", jvisorShim.getParent().toString(), (old, add) -> add + ":" + old);
    }
    Process p = pb.start();
    PrivateContainerd c = new PrivateContainerd(dir, socket, p);
    try {
      c.awaitReady();
    } catch (IOException | RuntimeException e) {
      c.close();
      throw e;
    }
    return c;
  }

  static String configToml(Path dir, Path socket, Path jvisorShim, Path jvisorConfig) {
    String cri = "plugins.\"io.containerd.grpc.v1.cri\"";
    StringBuilder b = new StringBuilder();
    b.append("version = 2\n")
        .append("root = \"").append(dir.resolve("root")).append("\"\n")
        .append("state = \"").append(dir.resolve("state")).append("\"\n")
        .append("disabled_plugins = [\"io.containerd.snapshotter.v1.btrfs\", \"io.containerd.snapshotter.v1.zfs\",")
        .append(" \"io.containerd.snapshotter.v1.aufs\", \"io.containerd.snapshotter.v1.devmapper\"]\n")
        .append("[grpc]\n  address = \"").append(socket).append("\"\n")
        .append("[ttrpc]\n  address = \"").append(socket).append(".ttrpc\"\n")
        .append("[debug]\n  level = \"debug\"\n")
        .append("[").append(cri).append("]\n")
        .append("  sandbox_image = \"").append(PAUSE_IMAGE).append("\"\n")
        // A private port: the default 10010 would clash with a second containerd on the machine.
        .append("  stream_server_address = \"127.0.0.1\"\n  stream_server_port = \"0\"\n")
        .append("  enable_selinux = false\n")
        // Build machines may lack CAP_SYS_RESOURCE: never ask for a lower oom_score_adj than containerd's own.
        .append("  restrict_oom_score_adj = true\n")
        .append("[").append(cri).append(".containerd]\n")
        .append("  default_runtime_name = \"runc\"\n  snapshotter = \"overlayfs\"\n")
        .append("[").append(cri).append(".containerd.runtimes.runc]\n")
        .append("  runtime_type = \"io.containerd.runc.v2\"\n");
    if (jvisorShim != null) {
      b.append("[").append(cri).append(".containerd.runtimes.jvisor]\n")
          .append("  runtime_type = \"io.containerd.jvisor.v1\"\n")
          .append("  runtime_path = \"").append(jvisorShim).append("\"\n");
      if (jvisorConfig != null) {
        b.append("[").append(cri).append(".containerd.runtimes.jvisor.options]\n")
            .append("  TypeUrl = \"io.containerd.jvisor.v1.options\"\n")
            .append("  ConfigPath = \"").append(jvisorConfig).append("\"\n");
      }
    }
    b.append("[").append(cri).append(".cni]\n")
        .append("  bin_dir = \"").append(dir.resolve("cni/bin")).append("\"\n")
        .append("  conf_dir = \"").append(dir.resolve("cni/conf")).append("\"\n");
    return b.toString();
  }

  private void awaitReady() throws IOException {
    Instant end = Instant.now().plus(READY_TIMEOUT);
    String last = "socket not created";
    while (Instant.now().isBefore(end)) {
      if (!process.isAlive()) {
        throw new IOException("containerd exited with " + process.exitValue() + ": " + logTail());
      }
      if (Files.exists(socket)) {
        try (CriClient cri = CriClient.connect(socket, Duration.ofSeconds(2))) {
          cri.version();
          return;
        } catch (RuntimeException e) {
          last = e.toString();
        }
      }
      sleep(Duration.ofMillis(100));
    }
    throw new IOException("containerd not ready after " + READY_TIMEOUT + " (" + last + "): " + logTail());
  }

  public Path socket() {
    return socket;
  }

  public Path dir() {
    return dir;
  }

  public CriClient cri() {
    return CriClient.connect(socket);
  }

  /** The last lines of containerd's log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("containerd.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** What a ctr invocation did. */
  public record Result(int exitCode, String output) {}

  /** Runs {@code ctr --address SOCK --namespace NS args...}; output is stdout and stderr combined. */
  public Result ctr(String namespace, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(CTR, "--address", socket.toString(), "--namespace", namespace));
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    try {
      if (!p.waitFor(CTR_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd + " did not finish in " + CTR_TIMEOUT);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  /** Imports an OCI image tar into {@code namespace}; throws with ctr's output when it fails. */
  public void importImage(String namespace, Path tar) throws IOException {
    Result r = ctr(namespace, "images", "import", "--no-unpack=false", tar.toString());
    if (r.exitCode() != 0) {
      throw new IOException("ctr images import " + tar + " failed: " + r.output());
    }
  }

  /** Builds and imports the busybox and pause images into the CRI namespace (and busybox into {@code default}). */
  public void importTestImages() throws IOException {
    Path images = Files.createDirectories(dir.resolve("images"));
    Path busybox = OciImages.busybox(images, BUSYBOX_IMAGE, List.of("sh"));
    importImage(CRI_NAMESPACE, busybox);
    importImage("default", busybox);
    importImage(CRI_NAMESPACE, OciImages.pause(images, PAUSE_IMAGE));
  }

  /** PIDs of shim processes serving this containerd (their command line names our socket). */
  public List<Long> shimPids() {
    String needle = socket.toString();
    return ProcessHandle.allProcesses()
        .filter(ph -> ph.pid() != process.pid())
        .filter(ph -> cmdline(ph.pid()).contains(needle))
        .map(ProcessHandle::pid)
        .toList();
  }

  static String cmdline(long pid) {
    try {
      return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ');
    } catch (IOException e) {
      return "";
    }
  }

  /** Mount points under this containerd's directory (overlay rootfs, shm), deepest first. */
  public List<String> mountsUnder() {
    List<String> out = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[4].startsWith(dir.toString())) {
          out.add(f[4]);
        }
      }
    } catch (IOException e) {
      return out;
    }
    out.sort((a, b) -> b.length() - a.length());
    return out;
  }

  @Override
  public void close() throws IOException {
    if (process.isAlive()) {
      removeEverything();
      process.destroy();
      try {
        if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (Long pid : shimPids()) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
    for (String mount : mountsUnder()) {
      Tar.run(List.of("umount", "-l", mount));
    }
    if (Boolean.getBoolean(KEEP_PROPERTY)) {
      System.err.println("PrivateContainerd: kept " + dir + " (-D" + KEEP_PROPERTY + ")");
      return;
    }
    Tar.deleteTree(dir);
  }

  /** Best effort: CRI pods, then ctr tasks and containers in the default namespace; failures are only logged. */
  private void removeEverything() {
    try (CriClient cri = CriClient.connect(socket, Duration.ofSeconds(30))) {
      for (PodSandbox pod : cri.listPodSandbox().getItemsList()) {
        try {
          cri.stopPodSandbox(pod.getId());
          cri.removePodSandbox(pod.getId());
        } catch (RuntimeException e) {
          System.err.println("PrivateContainerd: could not remove pod " + pod.getId() + ": " + e);
        }
      }
    } catch (RuntimeException e) {
      System.err.println("PrivateContainerd: CRI cleanup failed: " + e);
    }
    try {
      for (String id : ctr("default", "containers", "list", "-q").output().split("\n")) {
        if (!id.isBlank()) {
          ctr("default", "tasks", "kill", "-s", "SIGKILL", id.trim());
          ctr("default", "tasks", "delete", "-f", id.trim());
          ctr("default", "containers", "delete", id.trim());
        }
      }
    } catch (IOException e) {
      System.err.println("PrivateContainerd: ctr cleanup failed: " + e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The shim processes still alive after close, if any: an empty Optional means none were left. */
  public Optional<String> leftovers() {
    List<Long> pids = shimPids();
    return pids.isEmpty() ? Optional.empty() : Optional.of("shims left: " + pids);
  }
}
