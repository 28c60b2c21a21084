package dev.jvisor.e2e.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A {@code docker save}-format image tar as Jib writes it: manifest.json, the config JSON and gzip'ed layer tars.
 * The layers are read in order into one file table, as a container runtime would stack them.
 */
final class ImageTar {

  /** One regular file, directory or link of the stacked filesystem. */
  record Entry(String path, int mode, long size, boolean directory) {
    boolean executable() {
      return (mode & 0111) != 0;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path tar;
  private final JsonNode manifest;
  private final JsonNode config;
  private final Map<String, Entry> files;

  private ImageTar(Path tar, JsonNode manifest, JsonNode config, Map<String, Entry> files) {
    this.tar = tar;
    this.manifest = manifest;
    this.config = config;
    this.files = files;
  }

  static ImageTar read(Path tar) throws IOException {
    try (TarFile outer = new TarFile(tar.toFile())) {
      JsonNode manifest = JSON.readTree(read(outer, "manifest.json")).get(0);
      JsonNode config = JSON.readTree(read(outer, manifest.path("Config").asText()));
      Map<String, Entry> files = new LinkedHashMap<>();
      for (JsonNode layer : manifest.path("Layers")) {
        eachEntry(outer, layer.asText(), (entry, in) -> files.put(normalize(entry.getName()),
            new Entry(normalize(entry.getName()), entry.getMode() & 07777, entry.getSize(), entry.isDirectory())));
      }
      return new ImageTar(tar, manifest, config, files);
    }
  }

  List<String> repoTags() {
    List<String> tags = new ArrayList<>();
    manifest.path("RepoTags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  /** The image config's {@code config} object: Entrypoint, Cmd, Env, User, ExposedPorts, Labels. */
  JsonNode containerConfig() {
    return config.path("config");
  }

  List<String> entrypoint() {
    List<String> out = new ArrayList<>();
    containerConfig().path("Entrypoint").forEach(a -> out.add(a.asText()));
    return out;
  }

  Map<String, Entry> files() {
    return files;
  }

  Entry file(String absolutePath) {
    return files.get(normalize(absolutePath));
  }

  /** Unpacks every layer, in order, below {@code root} (regular files and directories; the modes kept). */
  void unpackTo(Path root) throws IOException {
    try (TarFile outer = new TarFile(tar.toFile())) {
      for (JsonNode layer : manifest.path("Layers")) {
        eachEntry(outer, layer.asText(), (entry, in) -> {
          Path target = root.resolve(normalize(entry.getName()).substring(1)).normalize();
          if (!target.startsWith(root)) {
            throw new IOException("layer entry escapes the root: " + entry.getName());
          }
          if (entry.isDirectory()) {
            Files.createDirectories(target);
          } else if (entry.isFile()) {
            Files.createDirectories(target.getParent());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
          }
          if (entry.isDirectory() || entry.isFile()) {
            Files.setPosixFilePermissions(target, Modes.toPermissions(entry.getMode() & 0777));
          }
        });
      }
    }
  }

  private interface EntryVisitor {
    void visit(TarArchiveEntry entry, InputStream content) throws IOException;
  }

  private static void eachEntry(TarFile outer, String layerName, EntryVisitor visitor) throws IOException {
    TarArchiveEntry layer = find(outer, layerName);
    try (InputStream raw = outer.getInputStream(layer);
         TarArchiveInputStream in = new TarArchiveInputStream(new GZIPInputStream(raw))) {
      for (TarArchiveEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        visitor.visit(e, in);
      }
    }
  }

  private static byte[] read(TarFile outer, String name) throws IOException {
    try (InputStream in = outer.getInputStream(find(outer, name))) {
      return in.readAllBytes();
    }
  }

  private static TarArchiveEntry find(TarFile outer, String name) throws IOException {
    return outer.getEntries().stream().filter(e -> e.getName().equals(name)).findFirst()
        .orElseThrow(() -> new IOException("image tar has no " + name));
  }

  /** "opt/java/" and "./opt/java" both become "/opt/java". */
  private static String normalize(String name) {
    String n = name.startsWith("./") ? name.substring(1) : name;
    n = n.startsWith("/") ? n : "/" + n;
    return n.length() > 1 && n.endsWith("/") ? n.substring(0, n.length() - 1) : n;
  }
}
