package dev.jvisor.nodeagent.host;

import dev.jvisor.nodeagent.AgentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Copies a distribution directory (bin/, lib/, runtime/, VERSION, SHA256SUMS) to {@code <opt>/<version>/}.
 * The copy goes to a temp directory that is verified against SHA256SUMS and then renamed into place; a running
 * shim keeps its old inode, so "Text file busy" cannot happen (lesson 11). {@code current} is switched by renaming
 * a new symlink over it, so readers see the old or the new version, never none.
 */
public final class ArtifactInstaller {
  public static final String MANIFEST = "SHA256SUMS";
  public static final String VERSION_FILE = "VERSION";
  public static final String CURRENT = "current";

  /** Result of an install: where it went and whether anything had to be copied. */
  public record Installed(String version, Path versionDir, boolean copied) {}

  private final Path optDir;

  /** @param optDir agent path of the install root, e.g. {@code /host/opt/jvisor} */
  public ArtifactInstaller(Path optDir) {
    this.optDir = optDir;
  }

  public Installed install(Path source) {
    String version = readVersion(source);
    Map<String, String> manifest = readManifest(source);
    List<String> sourceProblems = verify(source, manifest);
    if (!sourceProblems.isEmpty()) {
      throw new AgentException("the distribution in " + source + " does not match its " + MANIFEST + ": "
          + summary(sourceProblems));
    }
    Path target = optDir.resolve(version);
    boolean copied = false;
    try {
      Files.createDirectories(optDir);
      if (!Files.isDirectory(target) || !verify(target, manifest).isEmpty()) {
        Path temp = optDir.resolve(".tmp-" + version + "-" + System.nanoTime());
        copyTree(source, temp);
        List<String> problems = verify(temp, manifest);
        if (!problems.isEmpty()) {
          deleteTree(temp);
          throw new AgentException("copy of " + source + " to " + temp + " failed verification: "
              + summary(problems));
        }
        if (Files.exists(target)) {
          // Never write into a directory a shim may be running from: move it aside, then delete it.
          Path aside = optDir.resolve(".old-" + version + "-" + System.nanoTime());
          AtomicFiles.move(target, aside);
          AtomicFiles.move(temp, target);
          deleteTree(aside);
        } else {
          AtomicFiles.move(temp, target);
        }
        copied = true;
      }
      switchCurrent(version);
      AtomicFiles.syncDirectory(optDir);
    } catch (IOException e) {
      throw new AgentException("cannot install artifacts to " + target + ": " + e, e);
    }
    return new Installed(version, target, copied);
  }

  /** Points {@code current} at {@code version} (relative link, so it is valid inside and outside a host root). */
  void switchCurrent(String version) throws IOException {
    Path link = optDir.resolve(CURRENT);
    if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().equals(version)) {
      return;
    }
    Path temp = optDir.resolve(".current-" + System.nanoTime());
    Files.createSymbolicLink(temp, Path.of(version));
    AtomicFiles.move(temp, link);
  }

  /** The version {@code current} points at, or null. */
  public String currentVersion() {
    Path link = optDir.resolve(CURRENT);
    try {
      return Files.isSymbolicLink(link) ? Files.readSymbolicLink(link).getFileName().toString() : null;
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Removes {@code current} first (nothing new starts from it), then everything under the install root, then the
   * root itself unless it is a mount point (in the DaemonSet it is a hostPath volume: rmdir gives EBUSY).
   */
  public void removeAll() {
    try {
      Files.deleteIfExists(optDir.resolve(CURRENT));
      if (!Files.isDirectory(optDir)) {
        return;
      }
      try (Stream<Path> children = Files.list(optDir)) {
        for (Path child : children.toList()) {
          deleteTree(child);
        }
      }
    } catch (IOException e) {
      throw new AgentException("cannot remove " + optDir + ": " + e, e);
    }
    try {
      Files.deleteIfExists(optDir);
    } catch (IOException e) {
      // a mount point (or a directory someone else filled meanwhile): empty is as clean as it gets
    }
  }

  /** Files missing or differing from the manifest; empty when the directory is intact. */
  public static List<String> verify(Path dir, Map<String, String> manifest) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, String> entry : manifest.entrySet()) {
      Path file = dir.resolve(entry.getKey());
      if (!Files.isRegularFile(file)) {
        problems.add(entry.getKey() + " missing");
      } else if (!AtomicFiles.sha256(file).equals(entry.getValue())) {
        problems.add(entry.getKey() + " checksum differs");
      }
    }
    return problems;
  }

  public static String readVersion(Path source) {
    Path file = source.resolve(VERSION_FILE);
    try {
      String version = Files.readString(file, StandardCharsets.UTF_8).strip();
      if (!version.matches("[A-Za-z0-9][A-Za-z0-9._+-]{0,63}")) {
        throw new AgentException(file + " holds no usable version: '" + version + "'");
      }
      return version;
    } catch (IOException e) {
      throw new AgentException("no distribution at " + source + " (cannot read " + file + "); pass --artifacts "
          + "with the directory the build produced (distribution/target/jvisor-<version>)", e);
    }
  }

  /** Parses {@code sha256sum} output: "<hex>  <relative path>" per line. */
  public static Map<String, String> readManifest(Path source) {
    Path file = source.resolve(MANIFEST);
    Map<String, String> manifest = new LinkedHashMap<>();
    try {
      for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.split(" [ *]", 2);
        if (parts.length != 2 || !parts[0].matches("[0-9a-f]{64}") || parts[1].startsWith("/")
            || parts[1].contains("..")) {
          throw new AgentException(file + " has a malformed line: " + line);
        }
        manifest.put(parts[1], parts[0]);
      }
    } catch (IOException e) {
      throw new AgentException("cannot read " + file + ": " + e, e);
    }
    if (manifest.isEmpty()) {
      throw new AgentException(file + " lists no files");
    }
    return manifest;
  }

  private static void copyTree(Path source, Path target) throws IOException {
    Files.walkFileTree(source, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Files.createDirectories(target.resolve(source.relativize(dir).toString()));
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        // COPY_ATTRIBUTES keeps exec bits; NOFOLLOW_LINKS copies symlinks as symlinks.
        Files.copy(file, target.resolve(source.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
            LinkOption.NOFOLLOW_LINKS);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static String summary(List<String> problems) {
    return problems.size() <= 3 ? String.join(", ", problems)
        : String.join(", ", problems.subList(0, 3)) + " and " + (problems.size() - 3) + " more";
  }
}
