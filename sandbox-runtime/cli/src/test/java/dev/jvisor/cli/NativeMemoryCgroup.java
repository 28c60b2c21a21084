package dev.jvisor.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * A memory cgroup for running a program natively under a memory limit, to compare with the sandbox sized by the
 * same limit: a child of this JVM's own cgroup (cgroup v2 if its memory controller is delegated there, else v1's
 * memory hierarchy). {@link #create} answers null where neither is writable (no root, a read-only cgroupfs).
 */
final class NativeMemoryCgroup implements AutoCloseable {
  private static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");
  private final Path dir;

  private NativeMemoryCgroup(Path dir) {
    this.dir = dir;
  }

  static NativeMemoryCgroup create(long limitBytes) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        String[] f = line.split(":", 3);
        if (f.length < 3) {
          continue;
        }
        if (f[0].equals("0") && f[1].isEmpty() && Files.exists(CGROUP_FS.resolve("cgroup.controllers"))) {
          NativeMemoryCgroup g = make(CGROUP_FS.resolve(f[2].substring(1)), limitBytes, "memory.max");
          if (g != null) {
            return g;
          }
        }
        if (List.of(f[1].split(",")).contains("memory")) {
          NativeMemoryCgroup g = make(CGROUP_FS.resolve("memory").resolve(f[2].substring(1)), limitBytes,
              "memory.limit_in_bytes");
          if (g != null) {
            return g;
          }
        }
      }
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private static NativeMemoryCgroup make(Path parent, long limitBytes, String limitFile) {
    Path dir = parent.resolve("jvisor-it-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      Files.createDirectory(dir);
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
    try {
      Files.writeString(dir.resolve(limitFile), Long.toString(limitBytes));
      if (Files.exists(dir.resolve("memory.swap.max"))) {
        Files.writeString(dir.resolve("memory.swap.max"), "0"); // swapping would only slow the hog down
      }
      return new NativeMemoryCgroup(dir);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(dir);
      } catch (IOException ignored) {
        // nothing ran in it; left for the system to clean
      }
      return null;
    }
  }

  /** {@code sh -c script}, run natively inside this cgroup (the shell moves itself in first). */
  Runs.Result run(Path cwd, String script) throws IOException, InterruptedException {
    String enter = "echo $$ > " + dir.resolve("cgroup.procs") + " && exec /bin/sh -c \"$0\"";
    return Runs.natively(cwd, "/bin/sh", "-c", enter, script);
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(dir); // every process in it has ended: run() waited for them
  }
}
