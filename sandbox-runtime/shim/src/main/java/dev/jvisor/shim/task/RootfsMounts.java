package dev.jvisor.shim.task;

import dev.jvisor.host.Errno;
import dev.jvisor.host.LibC;
import dev.jvisor.shim.proto.task.Mount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Mounts CreateTaskRequest.rootfs (usually one overlay) on {@code <bundle>/rootfs} and unmounts it at Delete,
 * with mount(2) itself: every app container's start waits on this, and mount(8) cost a process spawn each time.
 */
final class RootfsMounts {
  static final int MAX_MOUNTS = 16;
  /** mount(2) copies one page of data; a longer string would be cut, not refused. */
  static final int MAX_DATA_BYTES = 4095;
  static final int MNT_DETACH = 2;

  private RootfsMounts() {}

  static void mount(List<Mount> mounts, Path target) throws IOException {
    if (mounts.size() > MAX_MOUNTS) {
      throw new IOException(mounts.size() + " rootfs mounts; at most " + MAX_MOUNTS + " are accepted");
    }
    Files.createDirectories(target);
    for (Mount m : mounts) {
      MountOptions o = MountOptions.parse(m.getType(), m.getOptionsList());
      if (o.data().getBytes(StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
        throw new IOException("rootfs mount options are longer than mount(2) accepts (" + MAX_DATA_BYTES
            + " bytes); too many image layers");
      }
      String where = target.toString();
      String type = o.bind() ? null : m.getType();
      call("mount " + m.getType() + " on " + where, LibC.mount(m.getSource(), where, type, o.flags(),
          o.data().isEmpty() ? null : o.data()));
      if (o.bindRemountFlags() != 0) {
        call("remount " + where, LibC.mount(null, where, null, o.bindRemountFlags(), null));
      }
      if (o.propagation() != 0) {
        call("propagation of " + where, LibC.mount(null, where, null, o.propagation(), null));
      }
    }
  }

  /** Unmounts; if something still holds the mount (a leaked fd), detaches it lazily so Delete never sticks. */
  static void unmount(Path target) throws IOException {
    if (LibC.umount2(target.toString(), 0) == 0) {
      return;
    }
    int errno = LibC.errno();
    call("umount -l " + target, LibC.umount2(target.toString(), MNT_DETACH));
    throw new IOException("rootfs was busy (" + Errno.name(errno) + "); detached lazily");
  }

  private static void call(String what, int rc) throws IOException {
    if (rc != 0) {
      throw new IOException(what + ": " + Errno.name(LibC.errno()));
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
}
