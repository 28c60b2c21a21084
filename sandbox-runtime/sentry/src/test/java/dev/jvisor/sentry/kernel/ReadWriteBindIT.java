package dev.jvisor.sentry.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.host.LibC;
import dev.jvisor.sentry.Mount;
import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.Stdio;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read-write bind writes to the host: a script run natively on one copy of a directory and in the sandbox on
 * another (mounted at /mnt/rw) prints the same and leaves both copies the same. Symlinks in the bind, planted on
 * the host or made by the guest, never change the directory next to it. The sandbox's root is the host's "/"
 * under its in-memory overlay, so a path that escaped the bind would name the real host file.
 */
class ReadWriteBindIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  @TempDir Path tmp;
  private Sandbox sandbox;
  private Path outside;

  @BeforeEach
  void boot() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(512L << 20));
    outside = Files.createDirectories(tmp.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "host secret\n");
  }

  @AfterEach
  void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** The directory both runs start from. */
  private Path seed(String name) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(name));
    Files.writeString(d.resolve("keep.txt"), "one\n");
    Files.writeString(d.resolve("trunc.txt"), "0123456789\n");
    Files.writeString(d.resolve("data.bin"), "aaaaaaaa");
    Files.createDirectories(d.resolve("sub"));
    Files.writeString(d.resolve("sub/old.txt"), "old\n");
    Files.createSymbolicLink(d.resolve("planted-abs"), outside.resolve("secret"));
    Files.createSymbolicLink(d.resolve("planted-rel"), Path.of("../outside/secret"));
    return d;
  }

  /** Runs {@code script} in busybox sh in {@code dir}: in the sandbox, or natively when {@code dir} is null. */
  private String sh(String dir, String script, boolean sandboxed) throws Exception {
    List<String> argv = List.of("busybox", "sh", "-c", "cd " + dir + " && " + script);
    if (!sandboxed) {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return "exit " + p.exitValue() + "\n" + out;
    }
    Path out = tmp.resolve("out-" + System.nanoTime());
    Files.createFile(out);
    int fd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_APPEND, 0);
    try {
      int status = sandbox.start(ProcessSpec.of(argv, ENV), new Stdio(-1, fd, fd)).waitFor(PATIENCE);
      return "exit " + status + "\n" + Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      LibC.close(fd);
    }
  }

  /** Every path under {@code dir}: type, permissions, size, content or link target, and mtime in seconds. */
  private static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String what = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
            : Files.isDirectory(p) ? "dir" : "'" + Files.readString(p) + "'";
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        out.put(dir.relativize(p).toString(), what + " " + perms);
      }
    }
    return out;
  }

  @Test
  void aScriptChangesTheHostDirectoryAsItDoesNatively() throws Exception {
    String script = String.join("\n", "set -e",
        "echo new > new.txt",
        "echo two >> keep.txt",
        "truncate -s 4 trunc.txt",
        "printf XY | dd of=data.bin bs=1 seek=3 conv=notrunc 2>/dev/null",
        "mkdir -p d/e",
        "mv new.txt d/e/moved.txt",
        "ln -s ../keep.txt d/link",
        "chmod 600 keep.txt",
        "chmod 750 d",
        "rm sub/old.txt",
        "rmdir sub",
        "touch -d '2001-02-03 04:05:06' d/e/moved.txt",
        "mkdir gone && mv gone went && rmdir went",
        "cat d/link d/e/moved.txt data.bin trunc.txt",
        "echo",
        "stat -c '%n %a %s %F' keep.txt trunc.txt data.bin d/e/moved.txt",
        "stat -c '%n %Y' d/e/moved.txt",
        "stat -c '%n %a %F' d d/e d/link",
        "ls -a . d d/e",
        "sync");
    Path nativeDir = seed("native");
    String nativeOut = sh(nativeDir.toString(), script, false);
    Path sandboxDir = seed("sandboxed");
    sandbox.mount(null, List.of(new Mount("/mnt/rw", Mount.Type.BIND, sandboxDir, false, 0)));
    String sandboxOut = sh("/mnt/rw", script, true);

    assertThat(nativeOut).startsWith("exit 0\none\ntwo\nnew\naaaXYaaa0123\n")
        .contains("keep.txt 600 8 regular file\n").contains("d 750 directory\n");
    assertThat(sandboxOut).isEqualTo(nativeOut);
    assertThat(snapshot(sandboxDir)).isEqualTo(snapshot(nativeDir));
    assertThat(Files.getLastModifiedTime(sandboxDir.resolve("d/e/moved.txt")))
        .isEqualTo(Files.getLastModifiedTime(nativeDir.resolve("d/e/moved.txt")));
    assertThat(outside.resolve("secret")).hasContent("host secret");
  }

  @Test
  void symlinksInTheBindNeverChangeAnythingOutsideIt() throws Exception {
    Path bind = seed("bind");
    Map<String, String> outsideBefore = snapshot(outside);
    long secretMtime = Files.getLastModifiedTime(outside.resolve("secret")).toMillis();
    sandbox.mount(null, List.of(new Mount("/mnt/rw", Mount.Type.BIND, bind, false, 0)));
    String o = outside.toString();
    // Every write below goes through a symlink to the outside directory: an absolute one, one climbing with
    // "..", ones the host planted and one to the directory itself. Inside the sandbox they resolve in its own
    // root, whose "/" is an in-memory overlay: whatever they change, the host's files stay as they were.
    String script = String.join("; ",
        "ln -s " + o + "/secret gabs", "echo pwn > gabs",
        "ln -s ../../../../../../../../../.." + o + "/secret grel", "echo pwn >> grel",
        "echo pwn > planted-abs", "echo pwn > planted-rel", "truncate -s 0 planted-abs",
        "ln -s " + o + " gdir", "echo pwn > gdir/new", "mkdir gdir/newdir", "chmod 777 gdir/secret",
        "touch -d '2001-02-03 04:05:06' gdir/secret", "rm -f gdir/secret",
        "ln -s " + o + "/secret " + o + "/planted-by-guest",
        "cat " + o + "/new", "ls -l gabs grel gdir | cut -c1");
    String out = sh("/mnt/rw", script, true);

    assertThat(out).as("the writes worked inside the sandbox").contains("pwn\n").endsWith("l\nl\nl\n");
    assertThat(snapshot(outside)).as("the directory next to the bind").isEqualTo(outsideBefore);
    assertThat(Files.getLastModifiedTime(outside.resolve("secret")).toMillis()).isEqualTo(secretMtime);
    assertThat(Files.readSymbolicLink(bind.resolve("gabs"))).isEqualTo(outside.resolve("secret"));
    assertThat(Files.readSymbolicLink(bind.resolve("gdir"))).isEqualTo(outside);
    assertThat(bind.resolve("keep.txt")).hasContent("one");
  }

  @Test
  void privateMappingsSeeWritesAndWritableSharedOnesAreRefused() throws Exception {
    String py = String.join("\n", "import mmap, os",
        "f = os.open('m.bin', os.O_RDWR | os.O_CREAT, 0o644)",
        "os.write(f, b'v1v1')",
        "m = mmap.mmap(f, 4, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ); print(m[:]); m.close()",
        "os.pwrite(f, b'v2v2', 0)",
        "m = mmap.mmap(f, 4, flags=mmap.MAP_PRIVATE, prot=mmap.PROT_READ); print(m[:]); m.close()",
        "r = os.open('m.bin', os.O_RDONLY)",
        "m = mmap.mmap(r, 4, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ); print(m[:]); m.close()",
        // A shared mapping of a read-only fd can never become writable: EACCES for mmap and for mprotect.
        "import ctypes",
        "libc = ctypes.CDLL(None, use_errno=True)",
        "libc.mmap.restype = ctypes.c_void_p",
        "libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, "
            + "ctypes.c_long]",
        "libc.mprotect.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]",
        "print('rw mmap', libc.mmap(None, 4096, 3, 1, r, 0) == ctypes.c_void_p(-1).value, ctypes.get_errno())",
        "a = libc.mmap(None, 4096, 1, 1, r, 0)",
        "print('mprotect', libc.mprotect(a, 4096, 3), ctypes.get_errno(), libc.mprotect(a, 4096, 5))",
        "try:",
        "  mmap.mmap(f, 4, flags=mmap.MAP_SHARED, prot=mmap.PROT_READ | mmap.PROT_WRITE)[0:1] = b'X'",
        "  print('shared write mapped')",
        "except OSError as e:",
        "  print('shared write refused', e.errno)",
        "print(open('m.bin', 'rb').read())");
    String cmd = "/usr/bin/python3 -c \"" + py.replace("\"", "\\\"") + "\"";
    Path nativeDir = Files.createDirectories(tmp.resolve("native"));
    String nativeOut = sh(nativeDir.toString(), cmd, false);
    Path bind = Files.createDirectories(tmp.resolve("bind"));
    sandbox.mount(null, List.of(new Mount("/mnt/rw", Mount.Type.BIND, bind, false, 0)));
    String sandboxOut = sh("/mnt/rw", cmd, true);

    String common = "exit 0\nb'v1v1'\nb'v2v2'\nb'v2v2'\nrw mmap True 13\nmprotect -1 13 0\n";
    assertThat(nativeOut).isEqualTo(common + "shared write mapped\nb'X2v2'\n");
    // Linux would write the mapping back; jvisor's file mappings are private copies, so it refuses rather than
    // drop the write (ENODEV, as for a filesystem without shared writable mappings).
    assertThat(sandboxOut).isEqualTo(common + "shared write refused 19\nb'v2v2'\n");
    assertThat(bind.resolve("m.bin")).hasContent("v2v2");
  }
}
