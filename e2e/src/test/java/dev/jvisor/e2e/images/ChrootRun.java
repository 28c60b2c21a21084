package dev.jvisor.e2e.images;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command inside an unpacked image with the image's own files only: a private mount namespace with /proc
 * mounted (the loader resolves the JDK's $ORIGIN rpath through /proc/self/exe), then chroot. Needs root.
 */
final class ChrootRun {

  static final Duration TIMEOUT = Duration.ofSeconds(60);

  private ChrootRun() {}

  static ProcessResult run(Path root, List<String> command) throws IOException {
    return run(root, command, java.util.Map.of());
  }

  /** As {@link #run(Path, List)}, with environment variables for the command (images have no env binary). */
  static ProcessResult run(Path root, List<String> command, java.util.Map<String, String> env) throws IOException {
    assumeTrue("root".equals(System.getProperty("user.name")),
        "running a command inside the unpacked image needs root (unshare + chroot); run as root to check it");
    Files.createDirectories(root.resolve("proc"));
    List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--fork", "sh", "-c",
        "mount -t proc proc \"$0/proc\" && exec chroot \"$0\" \"$@\"", root.toString()));
    argv.addAll(command);
    ProcessBuilder builder = new ProcessBuilder(argv).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " inside the image did not finish within " + TIMEOUT);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
    return new ProcessResult(process.exitValue(),
        new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
