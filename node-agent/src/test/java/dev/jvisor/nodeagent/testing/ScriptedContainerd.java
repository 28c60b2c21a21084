package dev.jvisor.nodeagent.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.cri.CriClient;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's containerd 1.6 with its default config (generated) inside a temporary host root under /tmp, started,
 * stopped and restarted by {@code it/ctrd.sh} — the same script the agent gets as {@code --restart-command}.
 * {@link #close()} stops it, kills shims it left (found by the host root in their command line, by pid) and
 * deletes the directory.
 */
public final class ScriptedContainerd implements AutoCloseable {
  public static final String CONFIG = "/etc/containerd/config.toml";
  public static final String PAUSE_IMAGE = "registry.k8s.io/pause:3.6";
  static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  static final Duration AGENT_TIMEOUT = Duration.ofMinutes(3);
  static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);
  static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final HostTree host;
  private final Path socket;
  private final Path script;

  private ScriptedContainerd(Path root) {
    this.root = root;
    this.host = new HostTree(root);
    this.socket = host.path("/run/containerd/containerd.sock");
    this.script = root.resolve("ctrd.sh");
  }

  public static ScriptedContainerd start() throws Exception {
    ScriptedContainerd c = new ScriptedContainerd(Files.createTempDirectory(Path.of("/tmp"), "jvna-"));
    try {
      assertThat(c.socket.toString().length()).as("unix socket path fits sun_path").isLessThan(100);
      c.host.write(CONFIG, c.privateConfig(HostTree.containerdDefaultConfig()));
      try (InputStream in = ScriptedContainerd.class.getResourceAsStream("/it/ctrd.sh")) {
        Files.write(c.script, in.readAllBytes());
      }
      c.script("start");
      c.awaitCri();
      return c;
    } catch (Exception | AssertionError e) {
      c.close();
      throw e;
    }
  }

  /** Debian's default with everything that would touch the real host moved under the host root. */
  String privateConfig(String config) {
    return config
        .replace("disabled_plugins = []", "disabled_plugins = [\"io.containerd.snapshotter.v1.btrfs\", "
            + "\"io.containerd.snapshotter.v1.zfs\", \"io.containerd.snapshotter.v1.aufs\", "
            + "\"io.containerd.snapshotter.v1.devmapper\"]")
        .replace("root = \"/var/lib/containerd\"", "root = \"" + host.path("/var/lib/containerd") + "\"")
        .replace("state = \"/run/containerd\"", "state = \"" + host.path("/run/containerd") + "\"")
        .replace("address = \"/run/containerd/containerd.sock\"", "address = \"" + socket + "\"")
        .replace("path = \"/opt/containerd\"", "path = \"" + host.path("/var/lib/containerd-opt") + "\"")
        // Build machines may lack CAP_SYS_RESOURCE for a lower oom_score_adj than containerd's own.
        .replace("restrict_oom_score_adj = false", "restrict_oom_score_adj = true");
  }

  public Path root() {
    return root;
  }

  public HostTree host() {
    return host;
  }

  public Path socket() {
    return socket;
  }

  public String pid() throws IOException {
    return Files.readString(root.resolve("containerd.pid")).strip();
  }

  public String restartCommand() {
    return "sh " + script + " " + root + " restart";
  }

  /** Handlers in containerd's effective CRI config, read independently of the agent's own probe. */
  public Set<String> servedHandlers() throws IOException {
    try (CriClient cri = CriClient.connect(socket, Duration.ofSeconds(5))) {
      String config = cri.status(true).getInfoMap().get("config");
      Set<String> names = new TreeSet<>();
      Iterator<String> it = JSON.readTree(config).path("containerd").path("runtimes").fieldNames();
      it.forEachRemaining(names::add);
      return names;
    }
  }

  /** Exit code and combined output of a process. */
  public record Run(int exitCode, String output) {}

  /** Runs the packaged agent jar against this containerd. */
  public Run agent(String command, String... extra) throws Exception {
    Path jar = Path.of("target/jvisor-node-agent.jar").toAbsolutePath();
    assertThat(jar).as("the packaged agent (mvn package ran before failsafe)").exists();
    String dist = System.getProperty("jvisor.distribution.dir");
    assertThat(dist).as("system property jvisor.distribution.dir (set by the pom)").isNotNull();
    assertThat(Path.of(dist, "SHA256SUMS")).as("the distribution module's output; build it first").exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), command, "--host-root", root.toString(), "--artifacts", dist, "--standalone",
        "--distribution", "containerd", "--kvm-device", "/dev/kvm", "--restart-mode", "command",
        "--restart-command", restartCommand(), "--verify-timeout", "PT60S"));
    cmd.addAll(List.of(extra));
    long start = System.nanoTime();
    Run result = run(cmd, AGENT_TIMEOUT);
    // The whole process, JVM start included: the number docs/benchmarks-node-agent.md reports next to the steps.
    System.out.printf("agent %s: %d ms wall (java -jar, exit %d)%n", command,
        Duration.ofNanos(System.nanoTime() - start).toMillis(), result.exitCode());
    return result;
  }

  /** {@code ctr} against this containerd, e.g. to import images. */
  public Run ctr(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket.toString()));
    cmd.addAll(List.of(args));
    return run(cmd, AGENT_TIMEOUT);
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(root.resolve("containerd.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private void script(String action) throws Exception {
    Run r = run(List.of("sh", script.toString(), root.toString(), action), SCRIPT_TIMEOUT);
    assertThat(r.exitCode()).as("ctrd.sh " + action + ": " + r.output()).isZero();
  }

  private void awaitCri() throws Exception {
    Instant end = Instant.now().plus(READY_TIMEOUT);
    RuntimeException last = null;
    while (Instant.now().isBefore(end)) {
      if (Files.exists(socket)) {
        try (CriClient cri = CriClient.connect(socket, Duration.ofSeconds(2))) {
          cri.version();
          return;
        } catch (RuntimeException e) {
          last = e;
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("containerd did not answer within " + READY_TIMEOUT + ": " + last + "\n" + logTail());
  }

  /** Pids of processes (shims) whose command line names this host root, other than containerd itself. */
  public List<Long> leftoverProcesses() throws IOException {
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8);
          if (cmdline.contains(socket.toString()) && !cmdline.startsWith("containerd")) {
            pids.add(Long.parseLong(proc.getFileName().toString()));
          }
        } catch (IOException gone) {
          // the process ended while we looked
        }
      }
    }
    pids.remove(ProcessHandle.current().pid());
    return pids;
  }

  @Override
  public void close() throws Exception {
    try {
      if (Files.exists(script)) {
        script("stop");
      }
      for (long pid : leftoverProcesses()) {
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      }
    } finally {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  public static Run run(List<String> cmd, Duration timeout) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[][] out = new byte[1][];
    Thread reader = new Thread(() -> {
      try {
        out[0] = p.getInputStream().readAllBytes();
      } catch (IOException e) {
        out[0] = e.toString().getBytes(StandardCharsets.UTF_8);
      }
    });
    reader.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(cmd + " did not finish within " + timeout);
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    return new Run(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
  }
}
