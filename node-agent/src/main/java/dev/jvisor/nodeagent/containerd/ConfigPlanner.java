package dev.jvisor.nodeagent.containerd;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.toml.TomlDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.tomlj.TomlArray;

/** Decides which file gets our runtime, from the distribution and what exists on the host. Reads, never writes. */
public final class ConfigPlanner {
  /**
   * Our drop-in for a handler: one file per handler, so two SandboxRuntimes never write the same file; "99-" sorts
   * it after distribution drop-ins.
   */
  public static String dropInName(String handler) {
    return "99-jvisor-" + handler + ".toml";
  }
  /** k3s/rke2 base template action: the rendered default config, to which our table is appended (lesson 6). */
  public static final String K3S_BASE_TEMPLATE = "{{ template \"base\" . }}";

  private final Path hostRoot;

  public ConfigPlanner(Path hostRoot) {
    this.hostRoot = hostRoot;
  }

  /**
   * @param configOverride host path of the config file from {@code --containerd-config}, or null
   * @param containerdMajor containerd's major version (1 or 2), used only for files we create
   */
  public ConfigPlan plan(Distribution distribution, String configOverride, int containerdMajor, String handler) {
    ConfigVersion createVersion = ConfigVersion.forContainerdMajor(containerdMajor);
    if (distribution == Distribution.K0S) {
      Path dropIn = HostPaths.resolve(hostRoot, distribution.configDir()).resolve(dropInName(handler));
      return new ConfigPlan(ConfigMode.DROP_IN_DIR, createVersion, dropIn, dropIn, null, null);
    }
    if (distribution.usesTemplate() && configOverride == null) {
      return planTemplate(distribution, createVersion);
    }
    String hostConfig = configOverride != null ? configOverride : distribution.configDir() + "/config.toml";
    Path main = HostPaths.resolve(hostRoot, hostConfig);
    if (!Files.exists(main)) {
      return new ConfigPlan(ConfigMode.CREATED_FILE, createVersion, main, null, null, null);
    }
    TomlDocument doc = TomlDocument.parse(read(main), main.toString());
    ConfigVersion version = ConfigVersion.detect(doc.root(), ConfigVersion.V1);
    if (!version.importsMerge()) {
      return new ConfigPlan(ConfigMode.MAIN_FILE, version, main, null, null, null);
    }
    Path confD = main.getParent().resolve("conf.d");
    Path dropIn = confD.resolve(dropInName(handler));
    String hostDropIn = HostPaths.toHost(hostRoot, dropIn);
    if (alreadyImported(doc.root().getArray(List.of("imports")), hostDropIn)) {
      return new ConfigPlan(ConfigMode.DROP_IN_DIR, version, dropIn, dropIn, null, null);
    }
    return new ConfigPlan(ConfigMode.DROP_IN_IMPORT, version, main, dropIn, hostDropIn, null);
  }

  private ConfigPlan planTemplate(Distribution distribution, ConfigVersion createVersion) {
    Path dir = HostPaths.resolve(hostRoot, distribution.configDir());
    Path v3 = dir.resolve("config-v3.toml.tmpl");
    Path v2 = dir.resolve("config.toml.tmpl");
    if (Files.exists(v3)) {
      return new ConfigPlan(ConfigMode.MAIN_FILE, ConfigVersion.V3_PLUS, v3, null, null, null);
    }
    // The template has no version line (it comes from "base"): take it from what k3s rendered last time.
    ConfigVersion rendered = renderedVersion(dir.resolve("config.toml"), createVersion);
    if (Files.exists(v2)) {
      return new ConfigPlan(ConfigMode.MAIN_FILE, rendered, v2, null, null, null);
    }
    Path target = rendered == ConfigVersion.V3_PLUS ? v3 : v2;
    return new ConfigPlan(ConfigMode.CREATED_FILE, rendered, target, null, null, K3S_BASE_TEMPLATE);
  }

  private static ConfigVersion renderedVersion(Path rendered, ConfigVersion fallback) {
    if (!Files.exists(rendered)) {
      return fallback;
    }
    return ConfigVersion.detect(TomlDocument.parse(read(rendered), rendered.toString()).root(), fallback);
  }

  /**
   * True when an {@code imports} glob already covers our drop-in. A plain entry naming our drop-in is our own
   * from an earlier install (DROP_IN_IMPORT again, so uninstall still removes it).
   */
  static boolean alreadyImported(TomlArray imports, String hostDropIn) {
    if (imports == null) {
      return false;
    }
    for (int i = 0; i < imports.size(); i++) {
      Object entry = imports.get(i);
      if (entry instanceof String pattern && pattern.matches(".*[*?\\[].*")
          && FileSystems.getDefault().getPathMatcher("glob:" + pattern).matches(Path.of(hostDropIn))) {
        return true;
      }
    }
    return false;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AgentException("cannot read containerd config " + file + ": " + e, e);
    }
  }
}
