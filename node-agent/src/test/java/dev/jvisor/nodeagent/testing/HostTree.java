package dev.jvisor.nodeagent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A fake host root in a temp directory: write files by host path, snapshot every file's bytes. */
public final class HostTree {
  private final Path root;

  public HostTree(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  public Path path(String hostPath) {
    return root.resolve(hostPath.substring(1));
  }

  public Path write(String hostPath, String content) {
    try {
      Path file = path(hostPath);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content, StandardCharsets.UTF_8);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String read(String hostPath) {
    try {
      return Files.readString(path(hostPath), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Relative path -> content of every regular file, for byte-for-byte comparisons. */
  public Map<String, Bytes> snapshot() {
    Map<String, Bytes> files = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(p).toString(), new Bytes(Files.readAllBytes(p)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return files;
  }

  /** Byte content with value equality and a readable diff-friendly toString. */
  public record Bytes(byte[] data) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes b && Arrays.equals(data, b.data);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return new String(data, StandardCharsets.UTF_8);
    }
  }

  /** What Debian's containerd prints as its default config (generated, not copied, so it matches this machine). */
  public static String containerdDefaultConfig() {
    try {
      Process p = new ProcessBuilder("containerd", "config", "default").redirectErrorStream(false).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IllegalStateException("containerd config default failed");
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("containerd (Debian package) is needed: apt-get install containerd", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public static String resource(String name) {
    try (var in = HostTree.class.getResourceAsStream("/configs/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource configs/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
