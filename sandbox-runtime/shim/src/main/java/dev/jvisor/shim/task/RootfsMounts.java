package dev.jvisor.shim.task;

import dev.jvisor.shim.proto.task.Mount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Mounts CreateTaskRequest.rootfs (usually one overlay) on {@code <bundle>/rootfs} and unmounts it at Delete.
 * Uses mount(8)/umount(8) because jvisor's native bindings live only in the host module and have no mount(2).
 */
final class RootfsMounts {
  static final Duration MOUNT_TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_MOUNTS = 16;
  static final int MAX_OPTIONS_CHARS = 64 << 10;

  private RootfsMounts() {}

  static void mount(List<Mount> mounts, Path target) throws IOException {
    if (mounts.size() > MAX_MOUNTS) {
      throw new IOException(mounts.size() + " rootfs mounts; at most " + MAX_MOUNTS + " are accepted");
    }
    Files.createDirectories(target);
    for (Mount m : mounts) {
      String options = String.join(",", m.getOptionsList());
      if (options.length() > MAX_OPTIONS_CHARS) {
        throw new IOException("rootfs mount options longer than " + MAX_OPTIONS_CHARS + " characters");
      }
      List<String> cmd = new ArrayList<>(List.of("mount"));
      if (!m.getType().equals("bind") && !m.getType().isEmpty()) {
        cmd.addAll(List.of("-t", m.getType()));
      }
      if (!options.isEmpty()) {
        cmd.addAll(List.of("-o", m.getType().equals("bind") && !options.contains("bind") ? "bind," + options
            : options));
      }
      cmd.addAll(List.of("--", m.getSource(), target.toString()));
      run(cmd);
    }
  }

  /** Unmounts; if something still holds the mount (a leaked fd), detaches it lazily so Delete never sticks. */
  static void unmount(Path target) throws IOException {
    try {
      run(List.of("umount", "--", target.toString()));
    } catch (IOException busy) {
      run(List.of("umount", "-l", "--", target.toString()));
      throw new IOException("rootfs was busy; detached lazily: " + busy.getMessage());
    }
  }

  static boolean isMountPoint(Path p) {
    try {
      String want = p.toRealPath().toString();
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] f = line.split(" ");
        if (f.length > 4 && f[4].equals(want)) {
          return true;
        }
      }
    } catch (IOException e) {
      return false;
    }
    return false;
  }

  private static void run(List<String> cmd) throws IOException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(MOUNT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        p.destroyForcibly();
        throw new IOException(cmd.get(0) + " did not finish within " + MOUNT_TIMEOUT);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (p.exitValue() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + new String(p.getInputStream().readAllBytes()).trim());
    }
  }
}
