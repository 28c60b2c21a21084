package dev.jvisor.nodeagent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.nodeagent.testing.HostTree;
import dev.jvisor.nodeagent.testing.TestDistribution;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar in DaemonSet mode ({@code run}) as a process: it installs, keeps running, and on SIGTERM without
 * an uninstall request leaves the node installed and exits 0 (a rolling update is not an uninstall). Files only
 * ({@code --restart-mode none --standalone}), so no containerd is needed.
 */
class RunCommandIT {
  static final Duration INSTALL_TIMEOUT = Duration.ofSeconds(60);
  static final Duration EXIT_TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path root;
  @TempDir Path distDir;

  @Test
  void sigtermWithoutUninstallRequestLeavesTheNodeInstalled() throws Exception {
    HostTree host = new HostTree(root);
    host.write("/etc/containerd/config.toml", HostTree.containerdDefaultConfig());
    Path dist = TestDistribution.create(distDir.resolve("jvisor-2.0.0"), "2.0.0");
    Path jar = Path.of("target/jvisor-node-agent.jar").toAbsolutePath();
    // Output to a file: Process.destroy() closes our end of a pipe, and the lines after SIGTERM matter here.
    Path log = distDir.resolve("agent.log");
    Process agent = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar",
        jar.toString(), "run", "--host-root", root.toString(), "--artifacts", dist.toString(), "--standalone",
        "--restart-mode", "none", "--kvm-device", "none", "--shim-link-dir", "none")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      long end = System.nanoTime() + INSTALL_TIMEOUT.toNanos();
      while (!Files.readString(log).contains("install done")) {
        assertThat(agent.isAlive()).as(Files.readString(log)).isTrue();
        assertThat(System.nanoTime()).as("install within " + INSTALL_TIMEOUT).isLessThan(end);
        Thread.sleep(100);
      }
      assertThat(agent.isAlive()).as("run keeps running after the install").isTrue();
      assertThat(host.path("/opt/jvisor/current/bin/containerd-shim-jvisor-v1")).exists();

      agent.destroy(); // SIGTERM, as the kubelet sends it
      assertThat(agent.waitFor(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
    } finally {
      agent.destroyForcibly();
    }
    List<String> lines = Files.readAllLines(log);
    assertThat(lines).anySatisfy(l -> assertThat(l).contains("leaving the node installed"));
    assertThat(host.read("/etc/containerd/config.toml")).contains("runtimes.jvisor]");
    assertThat(host.path("/opt/jvisor/current")).exists();
  }
}
