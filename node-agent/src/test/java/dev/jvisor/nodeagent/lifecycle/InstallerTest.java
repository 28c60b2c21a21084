package dev.jvisor.nodeagent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.kube.NodeStatus;
import dev.jvisor.nodeagent.kube.Phase;
import dev.jvisor.nodeagent.restart.RestartStrategy;
import dev.jvisor.nodeagent.testing.HostTree;
import dev.jvisor.nodeagent.testing.RecordingReporter;
import dev.jvisor.nodeagent.testing.TestDistribution;
import dev.jvisor.nodeagent.testing.Tmpfs;
import dev.jvisor.nodeagent.verify.HandlerProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Install and uninstall on a directory tree (--restart-mode none): files, labels, statuses, failures. */
class InstallerTest {
  static final String CONFIG = "/etc/containerd/config.toml";
  @TempDir Path dir;
  @TempDir Path distDir;
  HostTree host;
  Path dist;
  RecordingReporter reporter;
  List<String> log;

  @BeforeEach
  void setUp() {
    host = new HostTree(dir);
    dist = TestDistribution.create(distDir.resolve("jvisor-1.2.3"), "1.2.3");
    reporter = new RecordingReporter();
    log = new ArrayList<>();
  }

  AgentSettings settings(Path kvm) {
    return settings(kvm, null);
  }

  AgentSettings settings(Path kvm, String shimLinkDir) {
    return new AgentSettings(dir, dist, "jvisor", Distribution.CONTAINERD, null, null, kvm, null, shimLinkDir,
        RestartStrategy.none(), Duration.ofSeconds(5), Duration.ofSeconds(5), socket -> {
          throw new AssertionError("restart mode none must not talk to containerd");
        });
  }

  Installer installer() {
    return new Installer(settings(null), reporter, log::add);
  }

  @Test
  void installsFilesLabelsAndReportsThenUninstallLeavesTheHostAsBefore() {
    host.write(CONFIG, HostTree.containerdDefaultConfig());
    Map<String, HostTree.Bytes> before = host.snapshot();

    Installer.Result result = installer().install();

    assertThat(result.configChanged()).isTrue();
    assertThat(result.restarted()).isFalse();
    assertThat(host.read(CONFIG)).contains("[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.jvisor]");
    assertThat(host.path("/opt/jvisor/current/bin/containerd-shim-jvisor-v1")).exists();
    assertThat(host.read("/opt/jvisor/etc/jvisor.toml")).contains("jvisor runtime options");
    assertThat(host.read(InstallRecord.path("jvisor"))).contains("\"mode\" : \"MAIN_FILE\"");
    assertThat(reporter.labels).containsExactly(null, "ready");
    assertThat(reporter.statuses).extracting(NodeStatus::phase).containsExactly(Phase.Installing, Phase.Ready);
    assertThat(reporter.last().runtimeVersion()).isEqualTo("1.2.3");
    assertThat(result.timings().timings()).extracting(StepTimings.Timing::step).containsExactly(Step.HOST_CHECK,
        Step.LABEL_NOT_READY, Step.ARTIFACTS, Step.SHIM_LINK, Step.CONTAINERD_CONFIG, Step.RESTART, Step.VERIFY,
        Step.LABEL_READY);

    Installer.Result again = installer().install();
    assertThat(again.configChanged()).isFalse();

    new Uninstaller(settings(null), reporter, log::add).uninstall();
    Map<String, HostTree.Bytes> after = host.snapshot();
    after.remove("run/jvisor/install.lock");
    assertThat(after).isEqualTo(before);
    assertThat(host.path("/opt/jvisor")).doesNotExist();
    assertThat(reporter.labels).endsWith((String) null);
  }

  @Test
  void malformedTomlFailsClearlyAndLeavesTheFileUntouched() {
    host.write(CONFIG, HostTree.resource("malformed.toml"));
    assertFailsUntouched("is not valid TOML");
  }

  @Test
  void aForeignJvisorRuntimeIsNeverOverwritten() {
    host.write(CONFIG, HostTree.resource("v2-foreign-jvisor.toml"));
    assertFailsUntouched("already has a runtime 'jvisor' that jvisor did not install");
  }

  @Test
  void anUnreadableConfigFailsClearly() throws Exception {
    Files.createDirectories(host.path(CONFIG)); // a directory where the file should be: unreadable as a file
    assertThatThrownBy(() -> installer().install()).isInstanceOf(AgentException.class)
        .hasMessageContaining("cannot read");
    assertThat(reporter.last().phase()).isEqualTo(Phase.Failed);
    assertThat(host.path(CONFIG)).isDirectory();
  }

  @Test
  void aReadOnlyFileSystemFailsClearlyAndLeavesTheFileUntouched() throws Exception {
    assumeTrue(Tmpfs.available(), "mounting a tmpfs needs root");
    try (Tmpfs fs = Tmpfs.mount(host.path("/etc/containerd"), "1m")) {
      host.write(CONFIG, HostTree.containerdDefaultConfig());
      fs.remountReadOnly();
      assertFailsUntouched("Read-only file system");
    }
  }

  @Test
  void aFullDiskFailsClearlyAndLeavesTheFileUntouched() throws Exception {
    assumeTrue(Tmpfs.available(), "mounting a tmpfs needs root");
    try (Tmpfs fs = Tmpfs.mount(host.path("/etc/containerd"), "64k")) {
      host.write(CONFIG, HostTree.containerdDefaultConfig());
      fill(host.path("/etc/containerd/filler"));
      assertFailsUntouched("No space left on device");
    }
  }

  @Test
  void aMissingKvmDeviceIsAFailedReasonBeforeAnythingIsTouched() {
    host.write(CONFIG, HostTree.containerdDefaultConfig());
    Map<String, HostTree.Bytes> before = host.snapshot();
    Installer installer = new Installer(settings(dir.resolve("dev/kvm")), reporter, log::add);
    assertThatThrownBy(installer::install).isInstanceOf(AgentException.class).hasMessageContaining("dev/kvm");
    assertThat(reporter.last().phase()).isEqualTo(Phase.Failed);
    assertThat(reporter.labels).isEmpty();
    assertThat(host.snapshot()).isEqualTo(before);
  }

  @Test
  void aFailedVerificationRestoresTheConfigAndRestartsAgain() {
    host.write(CONFIG, HostTree.containerdDefaultConfig());
    Map<String, HostTree.Bytes> before = host.snapshot();
    List<String> restarts = new ArrayList<>();
    RestartStrategy counting = distribution -> restarts.add("restart");
    HandlerProbe neverServes = new HandlerProbe() {
      @Override
      public java.util.Set<String> servedHandlers() {
        return java.util.Set.of("runc");
      }

      @Override
      public String runtimeVersion() {
        return "1.6.20";
      }

      @Override
      public int sandboxesUsing(String handler) {
        return 0;
      }

      @Override
      public void close() {}
    };
    AgentSettings settings = new AgentSettings(dir, dist, "jvisor", Distribution.CONTAINERD, null, null, null, null,
        null, counting, Duration.ofMillis(600), Duration.ofSeconds(5), socket -> neverServes);

    assertThatThrownBy(() -> new Installer(settings, reporter, log::add).install())
        .isInstanceOf(AgentException.class).hasMessageContaining("did not load runtime handler 'jvisor'");

    assertThat(restarts).hasSize(2);
    Map<String, HostTree.Bytes> after = host.snapshot();
    after.keySet().removeIf(k -> k.startsWith("opt/") || k.startsWith("run/"));
    assertThat(after).isEqualTo(before);
    assertThat(reporter.last().phase()).isEqualTo(Phase.Failed);
    assertThat(reporter.labels).containsExactly((String) null);
  }

  @Test
  void aFailedRestartRestoresTheConfigAndRestartsAgain() {
    host.write(CONFIG, HostTree.containerdDefaultConfig());
    Map<String, HostTree.Bytes> before = host.snapshot();
    List<String> restarts = new ArrayList<>();
    RestartStrategy failsOnce = distribution -> {
      restarts.add("restart");
      if (restarts.size() == 1) {
        throw new AgentException("systemctl restart containerd failed (exit 1): unit failed");
      }
    };
    AgentSettings settings = new AgentSettings(dir, dist, "jvisor", Distribution.CONTAINERD, null, null, null, null,
        null, failsOnce, Duration.ofSeconds(5), Duration.ofSeconds(5), socket -> new FixedProbe(Set.of("runc")));

    assertThatThrownBy(() -> new Installer(settings, reporter, log::add).install())
        .isInstanceOf(AgentException.class).hasMessageContaining("unit failed");

    assertThat(restarts).hasSize(2);
    Map<String, HostTree.Bytes> after = host.snapshot();
    after.keySet().removeIf(k -> k.startsWith("opt/") || k.startsWith("run/"));
    assertThat(after).isEqualTo(before);
    assertThat(reporter.last().phase()).isEqualTo(Phase.Failed);
    assertThat(reporter.last().message()).contains("unit failed");
  }

  /** containerd as far as CRI Status shows it: serves a fixed set of handlers. */
  record FixedProbe(Set<String> handlers) implements HandlerProbe {
    @Override
    public Set<String> servedHandlers() {
      return handlers;
    }

    @Override
    public String runtimeVersion() {
      return "1.7.27";
    }

    @Override
    public int sandboxesUsing(String handler) {
      return 0;
    }

    @Override
    public void close() {}
  }

  @Test
  void linksTheShimOnContainerdsPathAndRemovesOnlyThatOnUninstall() throws Exception {
    host.write(CONFIG, HostTree.containerdDefaultConfig());
    Files.createDirectories(host.path("/usr/local/bin"));
    host.write("/usr/local/bin/other-tool", "#!/bin/sh\n");
    Path link = host.path("/usr/local/bin/containerd-shim-jvisor-v1");

    new Installer(settings(null, "/usr/local/bin"), reporter, log::add).install();
    assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of("/opt/jvisor/current/bin/containerd-shim-jvisor-v1"));
    assertThat(host.read(InstallRecord.path("jvisor")))
        .contains("\"shimLink\" : \"/usr/local/bin/containerd-shim-jvisor-v1\"");

    new Uninstaller(settings(null, "/usr/local/bin"), reporter, log::add).uninstall();
    assertThat(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(host.path("/usr/local/bin/other-tool")).exists();
  }

  @Test
  void aForeignShimOnThePathIsNeverReplaced() {
    host.write(CONFIG, HostTree.containerdDefaultConfig());
    host.write("/usr/local/bin/containerd-shim-jvisor-v1", "#!/bin/sh\necho someone else\n");
    assertThatThrownBy(() -> new Installer(settings(null, "/usr/local/bin"), reporter, log::add).install())
        .isInstanceOf(AgentException.class).hasMessageContaining("jvisor did not create");
    assertThat(host.read("/usr/local/bin/containerd-shim-jvisor-v1")).contains("someone else");
    assertThat(reporter.last().phase()).isEqualTo(Phase.Failed);
  }

  @ParameterizedTest
  @CsvSource({"1.6.20~ds1, true", "v1.6.36, true", "1.7.0, true", "1.7.1, false", "v1.7.27, false",
      "2.0.0, false", "v2.2.1, false", "weird, false"})
  void containerdBefore171IgnoresRuntimePath(String version, boolean ignores) {
    assertThat(Installer.ignoresRuntimePath(version)).isEqualTo(ignores);
  }

  private void assertFailsUntouched(String reason) {
    Map<String, HostTree.Bytes> before = host.snapshot();
    assertThatThrownBy(() -> installer().install()).isInstanceOf(AgentException.class)
        .hasMessageContaining(reason);
    NodeStatus failed = reporter.last();
    assertThat(failed.phase()).isEqualTo(Phase.Failed);
    assertThat(failed.message()).contains(reason);
    assertThat(reporter.labels).doesNotContain("ready");
    assertThat(host.read(CONFIG)).isEqualTo(before.get("etc/containerd/config.toml").toString());
    assertThat(host.path(CONFIG + ".jvisor.bak")).doesNotExist();
    assertThat(host.path(InstallRecord.path("jvisor"))).doesNotExist();
  }

  private static void fill(Path file) throws Exception {
    try (var out = Files.newOutputStream(file)) {
      byte[] block = new byte[1024];
      while (true) {
        out.write(block);
        out.flush();
      }
    } catch (java.io.IOException full) {
      // the file system is full now, which is what the test wants
    }
  }
}
