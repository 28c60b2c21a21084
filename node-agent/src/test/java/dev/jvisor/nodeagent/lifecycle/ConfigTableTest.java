package dev.jvisor.nodeagent.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.nodeagent.containerd.ConfigMode;
import dev.jvisor.nodeagent.containerd.ConfigPlan;
import dev.jvisor.nodeagent.containerd.ConfigPlanner;
import dev.jvisor.nodeagent.containerd.ConfigVersion;
import dev.jvisor.nodeagent.containerd.Distribution;
import dev.jvisor.nodeagent.containerd.RuntimeEditor;
import dev.jvisor.nodeagent.containerd.RuntimeSpec;
import dev.jvisor.nodeagent.testing.HostTree;
import dev.jvisor.nodeagent.toml.TomlDocument;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tomlj.TomlTable;

/**
 * Table-driven: for each starting config, install parses and contains exactly our handler next to the untouched
 * others, a second install changes nothing, and uninstall restores every file byte for byte.
 */
class ConfigTableTest {
  static final RuntimeSpec SPEC = new RuntimeSpec("jvisor", "/opt/jvisor/current/bin/containerd-shim-jvisor-v1",
      "/opt/jvisor/etc/jvisor.toml", "/opt/jvisor/");
  static final String ETC_CONFIG = "/etc/containerd/config.toml";
  static final String K3S_DIR = "/var/lib/rancher/k3s/agent/etc/containerd";
  static final String RKE2_DIR = "/var/lib/rancher/rke2/agent/etc/containerd";

  /**
   * One row: files on the host before install, what the planner must choose, which handlers the file with our
   * runtime must hold afterwards.
   */
  record Case(String name, Distribution distribution, int containerdMajor, Map<String, String> files,
      ConfigMode mode, String runtimeFile, Set<String> handlersAfter, Map<String, String> afterUninstall) {
    Case(String name, Distribution distribution, int containerdMajor, Map<String, String> files, ConfigMode mode,
        String runtimeFile, Set<String> handlersAfter) {
      this(name, distribution, containerdMajor, files, mode, runtimeFile, handlersAfter, null);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        new Case("Debian containerd 1.6 default (generated)", Distribution.CONTAINERD, 1,
            Map.of(ETC_CONFIG, HostTree.containerdDefaultConfig()), ConfigMode.MAIN_FILE, ETC_CONFIG,
            Set.of("runc", "jvisor")),
        new Case("version 2 with comments and other runtimes", Distribution.CONTAINERD, 1,
            Map.of(ETC_CONFIG, HostTree.resource("v2-comments-runtimes.toml")), ConfigMode.MAIN_FILE, ETC_CONFIG,
            Set.of("runc", "kata", "nvidia", "jvisor")),
        // The stale handler of ours does not come back on uninstall (lesson 9); the rest is byte-identical.
        new Case("version 2 with a stale handler of ours", Distribution.CONTAINERD, 1,
            Map.of(ETC_CONFIG, HostTree.resource("v2-stale-owned.toml")), ConfigMode.MAIN_FILE, ETC_CONFIG,
            Set.of("runc", "jvisor"), Map.of(ETC_CONFIG, HostTree.resource("v2-stale-owned.toml")
                .substring(0, HostTree.resource("v2-stale-owned.toml").indexOf("\n# Left by")))),
        new Case("empty file (version 1 schema)", Distribution.CONTAINERD, 1, Map.of(ETC_CONFIG, ""),
            ConfigMode.MAIN_FILE, ETC_CONFIG, Set.of("jvisor")),
        new Case("missing file, containerd 1.x", Distribution.CONTAINERD, 1, Map.of(), ConfigMode.CREATED_FILE,
            ETC_CONFIG, Set.of("jvisor")),
        new Case("missing file, containerd 2.x", Distribution.CONTAINERD, 2, Map.of(), ConfigMode.CREATED_FILE,
            ETC_CONFIG, Set.of("jvisor")),
        new Case("containerd 2.0 version 3", Distribution.CONTAINERD, 2,
            Map.of(ETC_CONFIG, HostTree.resource("containerd2-v3.toml")), ConfigMode.DROP_IN_IMPORT,
            "/etc/containerd/conf.d/99-jvisor-jvisor.toml", Set.of("jvisor")),
        new Case("containerd 2.3 version 4", Distribution.CONTAINERD, 2,
            Map.of(ETC_CONFIG, HostTree.resource("containerd23-v4.toml")), ConfigMode.DROP_IN_IMPORT,
            "/etc/containerd/conf.d/99-jvisor-jvisor.toml", Set.of("jvisor")),
        new Case("version 3 with other imports", Distribution.CONTAINERD, 2,
            Map.of(ETC_CONFIG, HostTree.resource("v3-other-imports.toml"), "/etc/containerd/site.toml", "# site\n"),
            ConfigMode.DROP_IN_IMPORT, "/etc/containerd/conf.d/99-jvisor-jvisor.toml", Set.of("jvisor")),
        new Case("version 3 already importing conf.d/*.toml", Distribution.CONTAINERD, 2,
            Map.of(ETC_CONFIG, HostTree.resource("v3-conf-d-glob.toml")), ConfigMode.DROP_IN_DIR,
            "/etc/containerd/conf.d/99-jvisor-jvisor.toml", Set.of("jvisor")),
        new Case("k3s template with Go-template lines", Distribution.K3S, 1,
            Map.of(K3S_DIR + "/config.toml.tmpl", HostTree.resource("k3s-config.toml.tmpl"),
                K3S_DIR + "/config.toml", HostTree.containerdDefaultConfig()),
            ConfigMode.MAIN_FILE, K3S_DIR + "/config.toml.tmpl", Set.of("nvidia", "jvisor")),
        new Case("k3s without a template (rendered version 2)", Distribution.K3S, 1,
            Map.of(K3S_DIR + "/config.toml", HostTree.containerdDefaultConfig()), ConfigMode.CREATED_FILE,
            K3S_DIR + "/config.toml.tmpl", Set.of("jvisor")),
        new Case("rke2 with containerd 2 (config-v3.toml.tmpl)", Distribution.RKE2, 2,
            Map.of(RKE2_DIR + "/config-v3.toml.tmpl", "{{ template \"base\" . }}\n"), ConfigMode.MAIN_FILE,
            RKE2_DIR + "/config-v3.toml.tmpl", Set.of("jvisor")),
        new Case("k0s drop-in directory", Distribution.K0S, 1, Map.of("/etc/k0s/k0s.yaml", "apiVersion: x\n"),
            ConfigMode.DROP_IN_DIR, "/etc/k0s/containerd.d/99-jvisor-jvisor.toml", Set.of("jvisor")))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void installIsExactIdempotentAndUndoneByteForByte(Case c, @TempDir Path dir, @TempDir Path expectedDir) {
    HostTree host = new HostTree(dir);
    c.files().forEach(host::write);
    Map<String, HostTree.Bytes> before = host.snapshot();
    ContainerdConfigurator configurator = new ContainerdConfigurator(dir, SPEC);

    ConfigPlan plan = new ConfigPlanner(dir).plan(c.distribution(), null, c.containerdMajor(), "jvisor");
    assertThat(plan.mode()).isEqualTo(c.mode());
    ContainerdConfigurator.Applied first = configurator.apply(plan, "standalone", c.distribution().name(), "0.1.0",
        null, Set.of(), false);
    assertThat(first.changed()).isTrue();

    String runtimeText = host.read(c.runtimeFile());
    TomlDocument runtimeDoc = TomlDocument.parse(runtimeText, c.runtimeFile());
    ConfigVersion version = plan.version();
    assertThat(RuntimeEditor.handlers(runtimeDoc.root(), version)).containsExactlyInAnyOrderElementsOf(
        c.handlersAfter());
    TomlTable ours = runtimeDoc.root().getTable(append(version.runtimesPath(), "jvisor"));
    assertThat(ours.getString("runtime_type")).isEqualTo("io.containerd.jvisor.v1");
    assertThat(ours.getString("runtime_path")).isEqualTo(SPEC.runtimePath());
    assertThat(ours.getString("options.ConfigPath")).isEqualTo("/opt/jvisor/etc/jvisor.toml");
    assertOtherRuntimesAndDefaultUntouched(c, host, version);
    // Comments attached to a removed stale handler go with it; everything else must survive.
    if (c.files().containsKey(c.runtimeFile()) && first.record().removedHandlers().isEmpty()) {
      for (String line : c.files().get(c.runtimeFile()).split("\n")) {
        if (line.strip().startsWith("{{") || line.strip().startsWith("#")) {
          assertThat(runtimeText).as("template and comment lines survive").contains(line);
        }
      }
    }

    Map<String, HostTree.Bytes> afterFirst = host.snapshot();
    ContainerdConfigurator.Applied second = configurator.apply(
        new ConfigPlanner(dir).plan(c.distribution(), null, c.containerdMajor(), "jvisor"), "standalone",
        c.distribution().name(), "0.1.0", first.record(), Set.of(), false);
    assertThat(second.changed()).as("second install changes nothing").isFalse();
    assertThat(host.snapshot()).isEqualTo(afterFirst);
    assertThat(second.record()).usingRecursiveComparison().ignoringFields("removedHandlers")
        .isEqualTo(first.record());

    assertThat(configurator.revert(second.record(), false)).isTrue();
    if (c.afterUninstall() != null) {
      HostTree expected = new HostTree(expectedDir);
      c.afterUninstall().forEach(expected::write);
      before = expected.snapshot();
    }
    assertThat(host.snapshot()).as("uninstall restores every file byte for byte").isEqualTo(before);
  }

  private static void assertOtherRuntimesAndDefaultUntouched(Case c, HostTree host, ConfigVersion version) {
    for (Map.Entry<String, String> file : c.files().entrySet()) {
      if (!file.getKey().endsWith(".toml") && !file.getKey().endsWith(".tmpl")) {
        continue;
      }
      TomlDocument original = TomlDocument.parse(file.getValue(), file.getKey());
      if (!Files.exists(host.path(file.getKey()))) {
        continue;
      }
      TomlDocument now = TomlDocument.parse(host.read(file.getKey()), file.getKey());
      for (ConfigVersion v : ConfigVersion.values()) {
        List<String> defaultKey = append(v.runtimesPath().subList(0, 3), "default_runtime_name");
        assertThat(now.root().get(defaultKey)).isEqualTo(original.root().get(defaultKey));
        TomlTable runtimes = original.root().getTable(v.runtimesPath());
        for (String handler : runtimes == null ? Set.<String>of() : runtimes.keySet()) {
          if (RuntimeEditor.ownership(runtimes, handler, SPEC) == RuntimeEditor.Ownership.FOREIGN) {
            assertThat(now.root().getTable(append(v.runtimesPath(), handler)).toJson())
                .as("runtime %s untouched", handler).isEqualTo(runtimes.getTable(List.of(handler)).toJson());
          }
        }
      }
    }
  }

  static List<String> append(List<String> path, String key) {
    List<String> out = new java.util.ArrayList<>(path);
    out.add(key);
    return out;
  }

  static Map<String, String> files(String... pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.put(pairs[i], pairs[i + 1]);
    }
    return out;
  }
}
