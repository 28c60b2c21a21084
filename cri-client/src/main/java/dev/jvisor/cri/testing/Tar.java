package dev.jvisor.cri.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** GNU tar for image layers (root-owned, numeric ids, relative paths) and small file-tree helpers. */
final class Tar {
  private static final Duration TAR_TIMEOUT = Duration.ofSeconds(60);

  private Tar() {}

  static void create(Path dir, Path out) throws IOException {
    run(List.of("tar", "--numeric-owner", "--owner=0", "--group=0", "--sort=name", "-C", dir.toString(),
        "-cf", out.toString(), "."));
  }

  static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(TAR_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd + " timed out after " + TAR_TIMEOUT);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String output = new String(p.getInputStream().readAllBytes());
    if (p.exitValue() != 0) {
      throw new IOException(cmd + " failed with " + p.exitValue() + ": " + output);
    }
  }

  /** Deletes a tree without following symlinks (a symlink is removed, never its target). */
  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
