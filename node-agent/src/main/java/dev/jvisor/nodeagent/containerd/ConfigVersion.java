package dev.jvisor.nodeagent.containerd;

import dev.jvisor.nodeagent.AgentException;
import java.util.List;
import org.tomlj.TomlTable;

/**
 * containerd config schema versions. No {@code version} key means 1; containerd 2.3 introduced 4, which we treat
 * like 3 (lesson 10: an installer that only knew 2 and 3 broke on 4).
 */
public enum ConfigVersion {
  /** containerd 1.x legacy schema: plugin "cri". */
  V1(List.of("plugins", "cri", "containerd", "runtimes")),
  /** containerd 1.6/1.7: plugin "io.containerd.grpc.v1.cri"; an imported file replaces whole plugin tables. */
  V2(List.of("plugins", "io.containerd.grpc.v1.cri", "containerd", "runtimes")),
  /** containerd 2.x (versions 3 and 4): plugin "io.containerd.cri.v1.runtime"; imports merge. */
  V3_PLUS(List.of("plugins", "io.containerd.cri.v1.runtime", "containerd", "runtimes"));

  private final List<String> runtimesPath;

  ConfigVersion(List<String> runtimesPath) {
    this.runtimesPath = runtimesPath;
  }

  /** Key path of the table holding one table per runtime handler. */
  public List<String> runtimesPath() {
    return runtimesPath;
  }

  /** The number written as {@code version = N} into files we create. */
  public int number() {
    return switch (this) {
      case V1 -> 1;
      case V2 -> 2;
      case V3_PLUS -> 3;
    };
  }

  /** Whether containerd merges imported files into the main config (2.x) instead of replacing plugin tables. */
  public boolean importsMerge() {
    return this == V3_PLUS;
  }

  public static ConfigVersion of(long number) {
    if (number <= 1) {
      return V1;
    }
    return number == 2 ? V2 : V3_PLUS;
  }

  /** Detects the version of a parsed config; {@code fallback} when the file has no {@code version} key. */
  public static ConfigVersion detect(TomlTable config, ConfigVersion fallback) {
    Object version = config.get(List.of("version"));
    if (version == null) {
      return fallback;
    }
    if (!(version instanceof Long number)) {
      throw new AgentException("containerd config key 'version' is not an integer: " + version);
    }
    return of(number);
  }

  /** The version containerd of this major version writes by default (used for files we create). */
  public static ConfigVersion forContainerdMajor(int major) {
    return major >= 2 ? V3_PLUS : V2;
  }
}
