package dev.jvisor.nodeagent.lifecycle;

import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.ConfigMode;
import dev.jvisor.nodeagent.containerd.ConfigPlan;
import dev.jvisor.nodeagent.containerd.ConfigVersion;
import dev.jvisor.nodeagent.containerd.HostPaths;
import dev.jvisor.nodeagent.containerd.RuntimeEditor;
import dev.jvisor.nodeagent.containerd.RuntimeSpec;
import dev.jvisor.nodeagent.host.AtomicFiles;
import dev.jvisor.nodeagent.toml.TomlDocument;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Applies a {@link ConfigPlan} to the host's files and reverses an {@link InstallRecord}. Every file is re-parsed
 * before it is written (nothing unparsable is ever written), written atomically, and its previous bytes are kept in
 * memory so a failed verification can roll back exactly.
 */
public final class ContainerdConfigurator {
  static final String OWNED_HEADER = "# Written by the jvisor node-agent; removed again on uninstall.";
  static final String BACKUP_SUFFIX = ".jvisor.bak";

  private final Path hostRoot;
  private final RuntimeSpec spec;

  public ContainerdConfigurator(Path hostRoot, RuntimeSpec spec) {
    this.hostRoot = hostRoot;
    this.spec = spec;
  }

  /** What {@link #apply} did: whether any file changed, the record to keep, and the bytes to roll back to. */
  public record Applied(boolean changed, InstallRecord record, Map<Path, byte[]> before) {}

  /**
   * @param previous this handler's record from an earlier install, or null
   * @param keep handlers of other SandboxRuntimes installed on this node: their runtime tables stay
   * @param othersInstalled whether any other handler of ours was installed before this run (also a stale one of
   *     this SandboxRuntime): then an existing backup predates all of us and stays the one uninstall restores
   */
  public Applied apply(ConfigPlan planned, String owner, String distribution, String version,
      InstallRecord previous, Set<String> keep, boolean othersInstalled) {
    Map<Path, byte[]> before = new LinkedHashMap<>();
    ConfigPlan plan = planned;
    // A file we created earlier stays "created by us" although it exists now: uninstall deletes it.
    if (previous != null && previous.mode() == ConfigMode.CREATED_FILE && plan.mainFile() != null
        && host(plan.mainFile()).equals(previous.mainFile())) {
      plan = new ConfigPlan(ConfigMode.CREATED_FILE, ConfigVersion.of(previous.configVersion()), plan.mainFile(),
          null, null, null);
    }
    ConfigMode mode = plan.mode();
    boolean changed = false;
    String backupHost = null;
    String writtenSha = null;
    String importEntry = null;
    boolean importsKeyCreated = false;
    List<String> removed = List.of();
    switch (mode) {
      case MAIN_FILE -> {
        Path main = plan.mainFile();
        byte[] original = readBytes(main);
        TomlDocument doc = TomlDocument.parse(text(original), main.toString());
        removed = RuntimeEditor.apply(doc, plan.version(), spec, keep);
        String rendered = doc.render();
        Path backup = backupOf(main);
        backupHost = host(backup);
        if (doc.changed()) {
          validateOurs(rendered, main, plan.version());
          writeBackupIfNeeded(main, original, backup, previous, othersInstalled, plan.version(), null, before);
          changed |= write(main, rendered, before);
        }
        writtenSha = AtomicFiles.sha256(rendered.getBytes(StandardCharsets.UTF_8));
        if (!Files.exists(backup)) {
          backupHost = null;
        }
      }
      case CREATED_FILE -> {
        Path main = plan.mainFile();
        String start = Files.exists(main) ? text(readBytes(main)) : OWNED_HEADER + "\n"
            + (plan.templateHeader() != null ? plan.templateHeader() + "\n" : "version = "
            + plan.version().number() + "\n");
        TomlDocument doc = TomlDocument.parse(start, main.toString());
        removed = RuntimeEditor.apply(doc, plan.version(), spec, keep);
        String rendered = doc.render();
        if (!Files.exists(main) || doc.changed()) {
          validateOurs(rendered, main, plan.version());
          changed |= write(main, rendered, before);
        }
        writtenSha = AtomicFiles.sha256(rendered.getBytes(StandardCharsets.UTF_8));
      }
      case DROP_IN_IMPORT, DROP_IN_DIR -> {
        // The drop-in first: an imports entry must never point at a file that does not exist (lesson 8).
        changed |= writeDropIn(plan, before);
        if (mode == ConfigMode.DROP_IN_IMPORT) {
          Path main = plan.mainFile();
          byte[] original = readBytes(main);
          TomlDocument doc = TomlDocument.parse(text(original), main.toString());
          importEntry = plan.importEntry();
          importsKeyCreated = previous != null && previous.importsKeyCreated()
              || doc.root().getArray(List.of("imports")) == null;
          RuntimeEditor.addImport(doc.root(), importEntry);
          String rendered = doc.render();
          Path backup = backupOf(main);
          if (doc.changed()) {
            TomlDocument.parse(rendered, main + " (as edited)");
            writeBackupIfNeeded(main, original, backup, previous, othersInstalled, plan.version(), importEntry,
                before);
            changed |= write(main, rendered, before);
          }
          writtenSha = AtomicFiles.sha256(rendered.getBytes(StandardCharsets.UTF_8));
          backupHost = Files.exists(backup) ? host(backup) : null;
        }
      }
      default -> throw new IllegalStateException("unknown mode " + mode);
    }
    InstallRecord record = new InstallRecord(owner, version, spec.handler(), distribution, mode,
        plan.version().number(), mode == ConfigMode.DROP_IN_DIR ? null : host(plan.mainFile()), backupHost, writtenSha,
        plan.dropIn() == null ? null : host(plan.dropIn()), importEntry, importsKeyCreated, removed,
        previous == null ? null : previous.shimLink());
    return new Applied(changed, record, before);
  }

  /**
   * Checks what containerd will read before it is restarted (lesson 8): the files parse and every plain
   * {@code imports} entry exists.
   */
  public void validate(InstallRecord record) {
    if (record.mainFile() == null) {
      return;
    }
    Path main = HostPaths.resolve(hostRoot, record.mainFile());
    if (!Files.exists(main)) {
      return;
    }
    TomlDocument doc = TomlDocument.parse(text(readBytes(main)), main.toString());
    var imports = doc.root().getArray(List.of("imports"));
    for (int i = 0; imports != null && i < imports.size(); i++) {
      if (imports.get(i) instanceof String entry && !entry.contains("*") && entry.startsWith("/")
          && !Files.exists(HostPaths.resolve(hostRoot, entry))) {
        throw new AgentException(main + " imports " + entry + ", which does not exist: containerd would not "
            + "start, so it was not restarted");
      }
    }
  }

  /** Puts the files back as they were before {@link #apply} (verification failed). */
  public void rollback(Map<Path, byte[]> before) {
    List<Path> paths = List.copyOf(before.keySet());
    // Reverse order: the main file (with its imports entry) goes back before the drop-in it points at disappears.
    for (int i = paths.size() - 1; i >= 0; i--) {
      Path path = paths.get(i);
      byte[] bytes = before.get(path);
      if (bytes == null) {
        AtomicFiles.deleteIfExists(path);
      } else {
        AtomicFiles.write(path, bytes);
      }
    }
  }

  /**
   * Reverses an install. Where the file is still exactly as we wrote it and no other handler of ours remains, the
   * backup comes back byte for byte; otherwise only this handler's entries are removed (other people's changes and
   * other SandboxRuntimes' handlers stay). Returns whether anything changed (then containerd must be restarted,
   * lesson 7).
   *
   * @param othersRemain whether other handlers of ours stay installed on this node
   */
  public boolean revert(InstallRecord record, boolean othersRemain) {
    boolean changed = false;
    ConfigVersion version = ConfigVersion.of(record.configVersion());
    Path main = record.mainFile() == null ? null : HostPaths.resolve(hostRoot, record.mainFile());
    Path backup = record.backupFile() == null ? null : HostPaths.resolve(hostRoot, record.backupFile());
    switch (record.mode()) {
      case MAIN_FILE, DROP_IN_IMPORT -> {
        if (main != null && Files.exists(main)) {
          byte[] current = readBytes(main);
          boolean untouched = AtomicFiles.sha256(current).equals(record.writtenSha256());
          if (!othersRemain && backup != null && Files.exists(backup)
              && (untouched || onlyOursDiffer(current, readBytes(backup), main, version))) {
            changed |= write(main, readBytes(backup));
          } else {
            TomlDocument doc = TomlDocument.parse(text(current), main.toString());
            if (record.importEntry() != null) {
              RuntimeEditor.removeImport(doc.root(), record.importEntry(), record.importsKeyCreated());
            }
            if (record.mode() == ConfigMode.MAIN_FILE) {
              removeOurs(doc, version, record, othersRemain);
            }
            if (doc.changed()) {
              changed |= write(main, doc.render());
            }
          }
        }
        if (backup != null && !othersRemain) {
          AtomicFiles.deleteIfExists(backup);
        }
      }
      case CREATED_FILE -> {
        if (main != null && Files.exists(main)) {
          byte[] current = readBytes(main);
          if (AtomicFiles.sha256(current).equals(record.writtenSha256()) && !othersRemain) {
            AtomicFiles.deleteIfExists(main);
            changed = true;
          } else {
            TomlDocument doc = TomlDocument.parse(text(current), main.toString());
            removeOurs(doc, version, record, othersRemain);
            if (doc.changed()) {
              changed |= write(main, doc.render());
            }
          }
        }
      }
      case DROP_IN_DIR -> { }
      default -> throw new IllegalStateException("unknown mode " + record.mode());
    }
    // Only now the drop-in: the imports entry pointing at it is already gone.
    if (record.dropInFile() != null) {
      Path dropIn = HostPaths.resolve(hostRoot, record.dropInFile());
      if (Files.exists(dropIn)) {
        AtomicFiles.deleteIfExists(dropIn);
        changed = true;
      }
    }
    return changed;
  }

  /**
   * Whether {@code current} with every entry of ours removed has the same content as the backup: then only we
   * changed the file since (e.g. another SandboxRuntime's install and uninstall) and the backup's exact bytes can
   * come back.
   */
  private boolean onlyOursDiffer(byte[] current, byte[] backup, Path main, ConfigVersion version) {
    TomlDocument clean = TomlDocument.parse(text(current), main.toString());
    TomlDocument original = TomlDocument.parse(text(backup), main + BACKUP_SUFFIX);
    RuntimeEditor.removeOwned(clean.root(), version, spec, Set.of());
    RuntimeEditor.removeOurImports(clean.root());
    var imports = clean.root().getArray(List.of("imports"));
    if (imports != null && imports.isEmpty() && !original.root().contains(List.of("imports"))) {
      clean.root().remove(List.of("imports"));
    }
    return clean.sameContentAs(original);
  }

  /** This handler only while others remain; every table of ours (stale ones too) when we are the last. */
  private void removeOurs(TomlDocument doc, ConfigVersion version, InstallRecord record, boolean othersRemain) {
    if (othersRemain) {
      RuntimeEditor.removeHandler(doc.root(), version, spec, record.handler());
    } else {
      RuntimeEditor.removeOwned(doc.root(), version, spec, Set.of());
    }
  }

  private boolean writeDropIn(ConfigPlan plan, Map<Path, byte[]> before) {
    TomlDocument doc = TomlDocument.parse(OWNED_HEADER + "\nversion = " + plan.version().number() + "\n",
        plan.dropIn().toString());
    RuntimeEditor.apply(doc, plan.version(), spec);
    String rendered = doc.render();
    validateOurs(rendered, plan.dropIn(), plan.version());
    if (Files.exists(plan.dropIn()) && text(readBytes(plan.dropIn())).equals(rendered)) {
      return false;
    }
    return write(plan.dropIn(), rendered, before);
  }

  /**
   * Keeps the pre-install bytes once: a backup stays valid while the main file is exactly what we last wrote.
   * The backup never contains entries of ours (a stale handler must not come back on uninstall).
   */
  private void writeBackupIfNeeded(Path main, byte[] original, Path backup, InstallRecord previous,
      boolean othersInstalled, ConfigVersion version, String importEntry, Map<Path, byte[]> before) {
    // Another handler of ours is installed: the backup was taken before the first of us and is still the original.
    boolean backupValid = Files.exists(backup) && (othersInstalled || previous != null
        && AtomicFiles.sha256(original).equals(previous.writtenSha256()));
    if (backupValid) {
      return;
    }
    TomlDocument clean = TomlDocument.parse(text(original), main.toString());
    RuntimeEditor.removeOwned(clean.root(), version, spec, Set.of());
    if (importEntry != null) {
      RuntimeEditor.removeImport(clean.root(), importEntry, false);
    }
    write(backup, clean.render(), before);
  }

  private void validateOurs(String rendered, Path file, ConfigVersion version) {
    TomlDocument reparsed = TomlDocument.parse(rendered, file + " (as edited)");
    var runtimes = reparsed.root().getTable(version.runtimesPath());
    if (RuntimeEditor.ownership(runtimes, spec.handler(), spec) != RuntimeEditor.Ownership.OURS) {
      throw new AgentException("internal error: the edited " + file + " does not contain runtime '"
          + spec.handler() + "'; nothing was written");
    }
  }

  private boolean write(Path file, String content, Map<Path, byte[]> before) {
    before.putIfAbsent(file, Files.exists(file) ? readBytes(file) : null);
    return write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean write(Path file, String content) {
    return write(file, content.getBytes(StandardCharsets.UTF_8));
  }

  private static boolean write(Path file, byte[] content) {
    AtomicFiles.write(file, content);
    return true;
  }

  private String host(Path agentPath) {
    return HostPaths.toHost(hostRoot, agentPath);
  }

  static Path backupOf(Path main) {
    return main.resolveSibling(main.getFileName() + BACKUP_SUFFIX);
  }

  static byte[] readBytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new AgentException("cannot read " + file + " (" + e + "); it was left untouched", e);
    }
  }

  static String text(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }
}
