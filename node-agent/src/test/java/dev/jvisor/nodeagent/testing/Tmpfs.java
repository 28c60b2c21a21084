package dev.jvisor.nodeagent.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A small tmpfs mounted for a test (full disk, read-only file system); unmounted on close. Needs root. */
public final class Tmpfs implements AutoCloseable {
  private static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(10);
  private final Path dir;

  private Tmpfs(Path dir) {
    this.dir = dir;
  }

  public static boolean available() {
    return "root".equals(System.getProperty("user.name"));
  }

  public static Tmpfs mount(Path dir, String size) throws IOException {
    Files.createDirectories(dir);
    run("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
    return new Tmpfs(dir);
  }

  public void remountReadOnly() throws IOException {
    run("mount", "-o", "remount,ro", dir.toString());
  }

  @Override
  public void close() throws IOException {
    run("umount", dir.toString());
  }

  private static void run(String... command) throws IOException {
    Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(MOUNT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " failed: "
            + new String(p.getInputStream().readAllBytes()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
