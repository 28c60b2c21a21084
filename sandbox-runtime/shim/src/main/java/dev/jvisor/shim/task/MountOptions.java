package dev.jvisor.shim.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A rootfs mount's options split the way mount(8) and containerd's mount package split them: words that are
 * mount(2) flags (ro, nosuid, bind, ...) become {@link #flags}, propagation words (rprivate, ...) are applied by a
 * second call, and the rest (overlay's lowerdir=..., upperdir=...) is the filesystem's data string.
 *
 * @param flags MS_* flags for the first mount(2) call
 * @param propagation MS_* propagation flags for a second call on the mount point, 0 if none
 * @param data the filesystem-specific options, comma-joined ("" if none)
 */
record MountOptions(long flags, long propagation, String data) {
  static final long MS_RDONLY = 1, MS_NOSUID = 2, MS_NODEV = 4, MS_NOEXEC = 8, MS_SYNCHRONOUS = 16,
      MS_REMOUNT = 32, MS_MANDLOCK = 64, MS_DIRSYNC = 128, MS_NOATIME = 1024, MS_NODIRATIME = 2048,
      MS_BIND = 4096, MS_REC = 16384, MS_UNBINDABLE = 1 << 17, MS_PRIVATE = 1 << 18, MS_SLAVE = 1 << 19,
      MS_SHARED = 1 << 20, MS_RELATIME = 1 << 21, MS_STRICTATIME = 1 << 24;

  /** A word's effect: flags it sets and flags it clears (containerd's table, mount_linux.go). */
  private record Flag(long set, long clear) {}

  private static final Map<String, Flag> FLAGS = Map.ofEntries(
      Map.entry("async", new Flag(0, MS_SYNCHRONOUS)), Map.entry("atime", new Flag(0, MS_NOATIME)),
      Map.entry("bind", new Flag(MS_BIND, 0)), Map.entry("defaults", new Flag(0, 0)),
      Map.entry("dev", new Flag(0, MS_NODEV)), Map.entry("diratime", new Flag(0, MS_NODIRATIME)),
      Map.entry("dirsync", new Flag(MS_DIRSYNC, 0)), Map.entry("exec", new Flag(0, MS_NOEXEC)),
      Map.entry("mand", new Flag(MS_MANDLOCK, 0)), Map.entry("noatime", new Flag(MS_NOATIME, 0)),
      Map.entry("nodev", new Flag(MS_NODEV, 0)), Map.entry("nodiratime", new Flag(MS_NODIRATIME, 0)),
      Map.entry("noexec", new Flag(MS_NOEXEC, 0)), Map.entry("nomand", new Flag(0, MS_MANDLOCK)),
      Map.entry("norelatime", new Flag(0, MS_RELATIME)), Map.entry("nostrictatime", new Flag(0, MS_STRICTATIME)),
      Map.entry("nosuid", new Flag(MS_NOSUID, 0)), Map.entry("rbind", new Flag(MS_BIND | MS_REC, 0)),
      Map.entry("relatime", new Flag(MS_RELATIME, 0)), Map.entry("remount", new Flag(MS_REMOUNT, 0)),
      Map.entry("ro", new Flag(MS_RDONLY, 0)), Map.entry("rw", new Flag(0, MS_RDONLY)),
      Map.entry("strictatime", new Flag(MS_STRICTATIME, 0)), Map.entry("suid", new Flag(0, MS_NOSUID)),
      Map.entry("sync", new Flag(MS_SYNCHRONOUS, 0)));

  private static final Map<String, Long> PROPAGATION = Map.of("private", MS_PRIVATE,
      "rprivate", MS_PRIVATE | MS_REC, "shared", MS_SHARED, "rshared", MS_SHARED | MS_REC, "slave", MS_SLAVE,
      "rslave", MS_SLAVE | MS_REC, "unbindable", MS_UNBINDABLE, "runbindable", MS_UNBINDABLE | MS_REC);

  static MountOptions parse(String type, List<String> options) {
    long flags = "bind".equals(type) ? MS_BIND : 0;
    long propagation = 0;
    List<String> data = new ArrayList<>();
    for (String o : options) {
      Flag f = FLAGS.get(o);
      Long p = PROPAGATION.get(o);
      if (f != null) {
        flags = (flags | f.set()) & ~f.clear();
      } else if (p != null) {
        propagation |= p;
      } else {
        data.add(o);
      }
    }
    return new MountOptions(flags, propagation, String.join(",", data));
  }

  boolean bind() {
    return (flags & MS_BIND) != 0;
  }

  /**
   * A bind mount ignores every flag but MS_REC on its first call; read-only and the others take a remount
   * (what mount(8) does for {@code -o bind,ro}). 0 when the first call is enough.
   */
  long bindRemountFlags() {
    long rest = flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
    return bind() && rest != 0 ? MS_REMOUNT | MS_BIND | rest : 0;
  }
}
