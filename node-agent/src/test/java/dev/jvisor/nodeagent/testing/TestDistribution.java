package dev.jvisor.nodeagent.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** A small distribution directory with the real layout (bin/, lib/, VERSION, SHA256SUMS) for unit tests. */
public final class TestDistribution {
  private TestDistribution() {}

  public static Path create(Path dir, String version) {
    try {
      Files.createDirectories(dir.resolve("bin"));
      Files.createDirectories(dir.resolve("lib"));
      Path shim = dir.resolve("bin/containerd-shim-jvisor-v1");
      Files.writeString(shim, "#!/bin/sh\necho shim " + version + "\n");
      Files.setPosixFilePermissions(shim, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(dir.resolve("lib/jvisor-cli.jar"), "not really a jar " + version);
      Files.writeString(dir.resolve("VERSION"), version + "\n");
      Files.createSymbolicLink(dir.resolve("bin/jvisor-link"), Path.of("containerd-shim-jvisor-v1"));
      writeManifest(dir);
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes SHA256SUMS like distribution/src/build/assemble.sh does. */
  public static void writeManifest(Path dir) throws IOException {
    StringBuilder sums = new StringBuilder();
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(p -> Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
          .filter(p -> !p.getFileName().toString().equals("SHA256SUMS")).sorted().toList();
    }
    for (Path file : files) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        sums.append(HexFormat.of().formatHex(digest)).append("  ").append(dir.relativize(file)).append('\n');
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    Files.writeString(dir.resolve("SHA256SUMS"), sums.toString(), StandardCharsets.UTF_8);
  }
}
