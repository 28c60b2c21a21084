package dev.jvisor.nodeagent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.nodeagent.containerd.ConfigVersion;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.containerd.RuntimeEditor;
import dev.jvisor.nodeagent.restart.RestartStrategy;
import dev.jvisor.nodeagent.testing.HostTree;
import dev.jvisor.nodeagent.testing.RecordingReporter;
import dev.jvisor.nodeagent.testing.TestDistribution;
import dev.jvisor.nodeagent.toml.TomlDocument;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Two SandboxRuntimes with different handlers on one node (docs/operator.md allows it): neither removes the
 * other's handler, shared files stay until the last one leaves, and the last uninstall restores the original
 * config byte for byte whatever the order. A handler renamed within one SandboxRuntime is removed (lesson 9).
 */
class CoexistenceTest {
  static final String CONFIG = "/etc/containerd/config.toml";
  @TempDir Path dir;
  @TempDir Path distDir;

  static Stream<Arguments> configs() {
    return Stream.of(
        Arguments.of("version 2 (main file)", HostTree.containerdDefaultConfig(), ConfigVersion.V2, true),
        Arguments.of("version 2 (main file)", HostTree.containerdDefaultConfig(), ConfigVersion.V2, false),
        Arguments.of("version 3 (drop-ins)", HostTree.resource("containerd2-v3.toml"), ConfigVersion.V3_PLUS, true),
        Arguments.of("version 3 (drop-ins)", HostTree.resource("containerd2-v3.toml"), ConfigVersion.V3_PLUS,
            false));
  }

  AgentSettings settings(String handler, String owner) {
    Path dist = distDir.resolve("jvisor-1.0.0");
    if (!dist.toFile().exists()) {
      TestDistribution.create(dist, "1.0.0");
    }
    return new AgentSettings(dir, dist, handler,
        Distribution.CONTAINERD, null, null, null, null, null, RestartStrategy.none(), Duration.ofSeconds(5),
        Duration.ofSeconds(5), socket -> {
          throw new AssertionError("restart mode none");
        }, owner);
  }

  List<String> handlersIn(String file, ConfigVersion version) {
    HostTree host = new HostTree(dir);
    return RuntimeEditor.handlers(TomlDocument.parse(host.read(file), file).root(), version);
  }

  @ParameterizedTest(name = "{0}, first installed leaves first: {3}")
  @MethodSource("configs")
  void twoSandboxRuntimesShareANode(String name, String config, ConfigVersion version, boolean fifo) {
    HostTree host = new HostTree(dir);
    host.write(CONFIG, config);
    Map<String, HostTree.Bytes> before = host.snapshot();
    AgentSettings a = settings("jvisor", "gvisor");
    AgentSettings b = settings("jvisor-debug", "gvisor-debug");
    RecordingReporter reporter = new RecordingReporter();

    new Installer(a, reporter, m -> { }).install();
    new Installer(b, reporter, m -> { }).install();
    List<String> handlers = version == ConfigVersion.V2 ? handlersIn(CONFIG, version)
        : Stream.concat(handlersIn("/etc/containerd/conf.d/99-jvisor-jvisor.toml", version).stream(),
            handlersIn("/etc/containerd/conf.d/99-jvisor-jvisor-debug.toml", version).stream()).toList();
    assertThat(handlers).contains("jvisor", "jvisor-debug");

    AgentSettings first = fifo ? a : b;
    AgentSettings second = fifo ? b : a;
    new Uninstaller(first, reporter, m -> { }).uninstall();
    assertThat(host.path("/opt/jvisor/current")).as("shared artifacts stay").exists();
    assertThat(host.path(InstallRecord.path(second.handler()))).exists();
    assertThat(host.path(InstallRecord.path(first.handler()))).doesNotExist();
    if (version == ConfigVersion.V2) {
      assertThat(handlersIn(CONFIG, version)).contains(second.handler()).doesNotContain(first.handler());
    } else {
      assertThat(host.read(CONFIG)).contains("99-jvisor-" + second.handler() + ".toml")
          .doesNotContain("99-jvisor-" + first.handler() + ".toml\"");
    }

    new Uninstaller(second, reporter, m -> { }).uninstall();
    Map<String, HostTree.Bytes> after = host.snapshot();
    after.keySet().removeIf(k -> k.startsWith("run/"));
    assertThat(after).as("the last uninstall restores the original").isEqualTo(before);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void aHandlerRenamedWithinOneSandboxRuntimeIsRemoved(String name, String config, ConfigVersion version,
      boolean unused) {
    HostTree host = new HostTree(dir);
    host.write(CONFIG, config);
    Map<String, HostTree.Bytes> before = host.snapshot();
    RecordingReporter reporter = new RecordingReporter();

    new Installer(settings("jvisor", "gvisor"), reporter, m -> { }).install();
    new Installer(settings("jvisor2", "gvisor"), reporter, m -> { }).install();

    assertThat(host.path(InstallRecord.path("jvisor"))).doesNotExist();
    assertThat(host.path("/opt/jvisor/etc/jvisor.toml")).doesNotExist();
    assertThat(host.read(CONFIG)).doesNotContain("runtimes.jvisor]").doesNotContain("99-jvisor-jvisor.toml");
    assertThat(host.path("/etc/containerd/conf.d/99-jvisor-jvisor.toml")).doesNotExist();

    new Uninstaller(settings("jvisor2", "gvisor"), reporter, m -> { }).uninstall();
    Map<String, HostTree.Bytes> after = host.snapshot();
    after.keySet().removeIf(k -> k.startsWith("run/"));
    assertThat(after).isEqualTo(before);
  }
}
