package dev.jvisor.nodeagent.containerd;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.toml.TomlDocument;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.tomlj.MutableTomlArray;
import org.tomlj.MutableTomlTable;
import org.tomlj.TomlTable;

/**
 * The edits of a containerd config the agent is allowed to make: its own runtime table and its own
 * {@code imports} entry. {@code default_runtime_name} and every runtime we do not own are never written (lesson 4).
 * A runtime is ours when its runtime_type is {@link RuntimeSpec#RUNTIME_TYPE} and its runtime_path lies under
 * {@link RuntimeSpec#ownedPrefix()}.
 */
public final class RuntimeEditor {
  private RuntimeEditor() {}

  /** Who owns the runtime table of a handler. */
  public enum Ownership { ABSENT, OURS, FOREIGN }

  public static Ownership ownership(TomlTable runtimes, String handler, RuntimeSpec spec) {
    if (runtimes == null || !runtimes.contains(List.of(handler))) {
      return Ownership.ABSENT;
    }
    Object entry = runtimes.get(List.of(handler));
    if (!(entry instanceof TomlTable table)) {
      return Ownership.FOREIGN;
    }
    String path = table.getString(List.of("runtime_path"));
    boolean ours = RuntimeSpec.RUNTIME_TYPE.equals(table.getString(List.of("runtime_type")))
        && path != null && path.startsWith(spec.ownedPrefix());
    return ours ? Ownership.OURS : Ownership.FOREIGN;
  }

  /**
   * Puts our handler into the config and removes other handlers we own (lesson 9: a redeploy must not leave
   * removed variants advertised). Returns the handlers removed.
   *
   * @throws AgentException when the handler name is taken by a runtime we did not install
   */
  public static List<String> apply(TomlDocument doc, ConfigVersion version, RuntimeSpec spec) {
    return apply(doc, version, spec, Set.of());
  }

  /**
   * As {@link #apply(TomlDocument, ConfigVersion, RuntimeSpec)}, keeping also {@code alsoKeep}: the handlers of
   * other SandboxRuntimes installed on this node (they are ours too, but not stale).
   */
  public static List<String> apply(TomlDocument doc, ConfigVersion version, RuntimeSpec spec, Set<String> alsoKeep) {
    MutableTomlTable root = doc.root();
    List<String> runtimesPath = version.runtimesPath();
    TomlTable runtimes = root.getTable(runtimesPath);
    if (ownership(runtimes, spec.handler(), spec) == Ownership.FOREIGN) {
      throw new AgentException(doc.origin() + " already has a runtime '" + spec.handler()
          + "' that jvisor did not install; remove it or choose another handler. Nothing was changed.");
    }
    Set<String> keep = new HashSet<>(alsoKeep);
    keep.add(spec.handler());
    List<String> removed = removeOwned(root, version, spec, keep);
    List<String> entry = append(runtimesPath, spec.handler());
    setIfDifferent(root, append(entry, "runtime_type"), RuntimeSpec.RUNTIME_TYPE);
    setIfDifferent(root, append(entry, "runtime_path"), spec.runtimePath());
    setIfDifferent(root, append(append(entry, "options"), "TypeUrl"), RuntimeSpec.OPTIONS_TYPE_URL);
    setIfDifferent(root, append(append(entry, "options"), "ConfigPath"), spec.configPath());
    return removed;
  }

  /** Removes every runtime we own except those in {@code keep}. Returns the handlers removed. */
  public static List<String> removeOwned(MutableTomlTable root, ConfigVersion version, RuntimeSpec spec,
      Set<String> keep) {
    TomlTable runtimes = root.getTable(version.runtimesPath());
    List<String> removed = new ArrayList<>();
    if (runtimes == null) {
      return removed;
    }
    for (String handler : List.copyOf(runtimes.keySet())) {
      if (!keep.contains(handler) && ownership(runtimes, handler, spec) == Ownership.OURS) {
        root.remove(append(version.runtimesPath(), handler));
        removed.add(handler);
      }
    }
    return removed;
  }

  /** Removes one handler if it is ours; returns whether it was there. */
  public static boolean removeHandler(MutableTomlTable root, ConfigVersion version, RuntimeSpec spec,
      String handler) {
    TomlTable runtimes = root.getTable(version.runtimesPath());
    if (ownership(runtimes, handler, spec) != Ownership.OURS) {
      return false;
    }
    root.remove(append(version.runtimesPath(), handler));
    return true;
  }

  /** Handlers in the config's runtimes table (for status and tests). */
  public static List<String> handlers(TomlTable root, ConfigVersion version) {
    TomlTable runtimes = root.getTable(version.runtimesPath());
    return runtimes == null ? List.of() : List.copyOf(runtimes.keySet());
  }

  /** Adds {@code entry} to the top-level {@code imports} array. Returns false when it was already there. */
  public static boolean addImport(MutableTomlTable root, String entry) {
    MutableTomlArray imports = root.getArray(List.of("imports"));
    if (imports == null) {
      root.set(List.of("imports"), MutableTomlArray.of(entry));
      return true;
    }
    for (int i = 0; i < imports.size(); i++) {
      if (entry.equals(imports.get(i))) {
        return false;
      }
    }
    imports.add(entry);
    return true;
  }

  /** Removes {@code entry} from {@code imports}; drops the key when we leave it empty and had created it. */
  public static boolean removeImport(MutableTomlTable root, String entry, boolean dropKeyIfEmpty) {
    MutableTomlArray imports = root.getArray(List.of("imports"));
    if (imports == null) {
      return false;
    }
    for (int i = imports.size() - 1; i >= 0; i--) {
      if (entry.equals(imports.get(i))) {
        imports.remove(i);
        if (imports.isEmpty() && dropKeyIfEmpty) {
          root.remove(List.of("imports"));
        }
        return true;
      }
    }
    return false;
  }

  /** Setting an equal value would still mark the document modified: a second install must change nothing. */
  /** Removes every {@code imports} entry naming one of our drop-ins (see ConfigPlanner#dropInName). */
  public static void removeOurImports(MutableTomlTable root) {
    MutableTomlArray imports = root.getArray(List.of("imports"));
    for (int i = imports == null ? -1 : imports.size() - 1; i >= 0; i--) {
      if (imports.get(i) instanceof String entry && entry.matches(".*/99-jvisor-[a-z0-9-]+\\.toml")) {
        imports.remove(i);
      }
    }
  }

  private static void setIfDifferent(MutableTomlTable root, List<String> path, Object value) {
    if (!Objects.equals(root.get(path), value)) {
      // getOrCreateTable writes a [header] table, the layout containerd's own configs use.
      MutableTomlTable table = root.getOrCreateTable(path.subList(0, path.size() - 1));
      table.set(List.of(path.get(path.size() - 1)), value);
    }
  }

  static List<String> append(List<String> path, String key) {
    List<String> out = new ArrayList<>(path);
    out.add(key);
    return out;
  }
}
