package dev.jvisor.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.cri.CriClient;
import dev.jvisor.nodeagent.testing.HostTree;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real thing on this machine: Debian's containerd 1.6 with its default config (generated) inside a temporary
 * host root, the packaged agent jar with {@code --restart-mode command}, the real distribution from the build.
 * Checks through CRI (containerd's own Status) that handler jvisor is served after install and gone after
 * uninstall, and that uninstall gives the config back byte for byte.
 */
class ContainerdInstallIT {
  static final Duration AGENT_TIMEOUT = Duration.ofMinutes(3);
  static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  static final String CONFIG = "/etc/containerd/config.toml";
  static final ObjectMapper JSON = new ObjectMapper();

  Path root;
  HostTree host;
  Path socket;
  Path script;

  @BeforeEach
  void startContainerd() throws Exception {
    root = Files.createTempDirectory(Path.of("/tmp"), "jvna-");
    host = new HostTree(root);
    socket = host.path("/run/containerd/containerd.sock");
    assertThat(socket.toString().length()).as("unix socket path fits sun_path").isLessThan(100);
    host.write(CONFIG, privateConfig(HostTree.containerdDefaultConfig()));
    script = root.resolve("ctrd.sh");
    try (InputStream in = getClass().getResourceAsStream("/it/ctrd.sh")) {
      Files.write(script, in.readAllBytes());
    }
    run(List.of("sh", script.toString(), root.toString(), "start"), Duration.ofSeconds(10));
    awaitCri();
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
        .replace("path = \"/opt/containerd\"", "path = \"" + host.path("/opt/containerd") + "\"")
        // Build machines may lack CAP_SYS_RESOURCE for a lower oom_score_adj than containerd's own.
        .replace("restrict_oom_score_adj = false", "restrict_oom_score_adj = true");
  }

  @AfterEach
  void stopContainerd() throws Exception {
    if (root == null) {
      return;
    }
    try {
      run(List.of("sh", script.toString(), root.toString(), "stop"), Duration.ofSeconds(20));
    } finally {
      try (Stream<Path> paths = Files.walk(root)) {
        for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  @Test
  void installServesTheHandlerAndUninstallRestoresTheConfigByteForByte() throws Exception {
    byte[] original = Files.readAllBytes(host.path(CONFIG));
    assertThat(servedHandlers()).contains("runc").doesNotContain("jvisor");
    String pidBefore = Files.readString(root.resolve("containerd.pid")).strip();

    AgentRun install = agent("install");
    System.out.println("install:\n" + install.output());
    assertThat(install.exitCode()).as(install.output()).isZero();
    assertThat(install.output()).contains("containerd restarted");
    assertThat(servedHandlers()).contains("runc", "jvisor");
    assertThat(Files.readString(root.resolve("containerd.pid")).strip()).isNotEqualTo(pidBefore);
    assertThat(host.path("/opt/jvisor/current/bin/containerd-shim-jvisor-v1")).isExecutable();
    assertThat(host.path("/opt/jvisor/current/runtime/bin/java")).isExecutable();

    String pidAfterInstall = Files.readString(root.resolve("containerd.pid")).strip();
    AgentRun again = agent("install");
    assertThat(again.exitCode()).as(again.output()).isZero();
    assertThat(again.output()).contains("config unchanged").contains("containerd not restarted");
    assertThat(Files.readString(root.resolve("containerd.pid")).strip()).isEqualTo(pidAfterInstall);

    AgentRun status = agent("status");
    assertThat(status.exitCode()).as(status.output()).isZero();
    assertThat(status.output()).contains("serves handler jvisor: true").contains("MAIN_FILE");

    AgentRun uninstall = agent("uninstall");
    System.out.println("uninstall:\n" + uninstall.output());
    assertThat(uninstall.exitCode()).as(uninstall.output()).isZero();
    assertThat(servedHandlers()).contains("runc").doesNotContain("jvisor");
    assertThat(Files.readAllBytes(host.path(CONFIG))).isEqualTo(original);
    assertThat(host.path("/opt/jvisor")).doesNotExist();
    assertThat(host.path("/etc/jvisor")).doesNotExist();
    assertThat(host.path(CONFIG + ".jvisor.bak")).doesNotExist();

    assertThat(agent("status").exitCode()).isEqualTo(3);
  }

  /** Handlers in containerd's effective CRI config, read independently of the agent's own probe. */
  Set<String> servedHandlers() throws IOException {
    try (CriClient cri = CriClient.connect(socket, Duration.ofSeconds(5))) {
      String config = cri.status(true).getInfoMap().get("config");
      Set<String> names = new TreeSet<>();
      Iterator<String> it = JSON.readTree(config).path("containerd").path("runtimes").fieldNames();
      it.forEachRemaining(names::add);
      return names;
    }
  }

  record AgentRun(int exitCode, String output) {}

  AgentRun agent(String command) throws Exception {
    Path jar = Path.of("target/jvisor-node-agent.jar").toAbsolutePath();
    assertThat(jar).as("the packaged agent (mvn package ran before failsafe)").exists();
    String dist = System.getProperty("jvisor.distribution.dir");
    assertThat(dist).as("system property jvisor.distribution.dir (set by the pom)").isNotNull();
    assertThat(Path.of(dist, "SHA256SUMS")).as("the distribution module's output; build it first").exists();
    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", jar.toString(), command, "--host-root", root.toString(), "--artifacts", dist, "--standalone",
        "--distribution", "containerd", "--kvm-device", "/dev/kvm", "--restart-mode", "command",
        "--restart-command", "sh " + script + " " + root + " restart", "--verify-timeout", "PT60S"));
    long start = System.nanoTime();
    AgentRun result = run(cmd, AGENT_TIMEOUT);
    // The whole process, JVM start included: the number docs/benchmarks-node-agent.md reports next to the steps.
    System.out.printf("agent %s: %d ms wall (java -jar, exit %d)%n", command,
        Duration.ofNanos(System.nanoTime() - start).toMillis(), result.exitCode());
    return result;
  }

  void awaitCri() throws Exception {
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
    throw new AssertionError("containerd did not answer within " + READY_TIMEOUT + ": " + last + "\n"
        + Files.readString(root.resolve("containerd.log")));
  }

  static AgentRun run(List<String> cmd, Duration timeout) throws Exception {
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
    return new AgentRun(p.exitValue(), out[0] == null ? "" : new String(out[0], StandardCharsets.UTF_8));
  }
}
