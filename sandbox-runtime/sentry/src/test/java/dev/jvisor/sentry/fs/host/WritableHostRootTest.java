package dev.jvisor.sentry.fs.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.host.Errno;
import dev.jvisor.host.LibC;
import dev.jvisor.sentry.vfs.ErrnoException;
import dev.jvisor.sentry.vfs.FileDescription;
import dev.jvisor.sentry.vfs.Node;
import dev.jvisor.sentry.vfs.NodeType;
import dev.jvisor.sentry.vfs.Vfs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writable {@link HostRoot} (a read-write bind) changes the host directory, and nothing outside it: symlinks
 * planted on the host or made through the root itself, absolute or climbing with "..", never let a create,
 * write, truncate, chmod, chown, utimens, rename or unlink touch the "outside" directory next to the root.
 */
class WritableHostRootTest {
  @TempDir Path base;
  private Path src;
  private Path outside;
  private HostRoot root;
  private Vfs vfs;
  private Map<String, String> outsideBefore;

  @BeforeEach
  void plant() throws Exception {
    src = Files.createDirectories(base.resolve("src"));
    outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "host secret\n");
    Files.createDirectories(outside.resolve("dir"));
    Files.writeString(src.resolve("keep"), "kept\n");
    Files.createDirectories(src.resolve("sub"));
    Files.createSymbolicLink(src.resolve("abs"), outside.resolve("secret"));
    Files.createSymbolicLink(src.resolve("absdir"), outside);
    Files.createSymbolicLink(src.resolve("sub/up"), Path.of("../../outside"));
    root = new HostRoot(src, true);
    vfs = new Vfs(new HostNode(root, ""));
    outsideBefore = snapshot(outside);
  }

  @AfterEach
  void outsideIsUntouched() throws Exception {
    root.close();
    assertThat(snapshot(outside)).as("the directory next to the bind").isEqualTo(outsideBefore);
  }

  /** Every path under {@code dir} with its type, permissions, size, mtime and content: what a change shows. */
  private static Map<String, String> snapshot(Path dir) throws Exception {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) s::iterator) {
        String what = Files.isSymbolicLink(p) ? "-> " + Files.readSymbolicLink(p)
            : Files.isDirectory(p) ? "dir" : Files.readString(p);
        out.put(dir.relativize(p).toString(), what + " " + PosixFilePermissions.toString(
            Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)) + " "
            + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + " "
            + Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS));
      }
    }
    return out;
  }

  private Node node(String path) throws ErrnoException {
    return vfs.resolve(path, false).node();
  }

  private static void errno(int expected, Executable op) {
    assertThatThrownBy(op::execute).isInstanceOf(ErrnoException.class)
        .extracting(e -> Errno.name(((ErrnoException) e).errno())).isEqualTo(Errno.name(expected));
  }

  /** Writes {@code text} through a host fd the node opened with the guest's {@code flags}. */
  private static void write(Node n, int flags, String text) throws ErrnoException {
    FileDescription f = n.open(flags);
    try {
      byte[] b = text.getBytes(StandardCharsets.UTF_8);
      assertThat(f.writeBytes(b, b.length, -1)).isEqualTo(b.length);
    } finally {
      f.decRef();
    }
  }

  @Test
  void mutationsLandInTheHostDirectory() throws Exception {
    Node top = node("/");
    top.create("new", 0640);
    write(node("/new"), LibC.O_WRONLY, "hello\n");
    write(node("/keep"), LibC.O_WRONLY | LibC.O_APPEND, "more\n");
    assertThat(src.resolve("new")).hasContent("hello");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(src.resolve("new")))).isEqualTo(
        "rw-r-----");
    assertThat(src.resolve("keep")).hasContent("kept\nmore");
    write(node("/keep"), LibC.O_WRONLY | LibC.O_TRUNC, "x");
    assertThat(src.resolve("keep")).hasContent("x");

    top.mkdir("d", 0777); // exactly 0777: the JVM's umask does not apply, the guest's already did
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(src.resolve("d")))).isEqualTo(
        "rwxrwxrwx");
    top.rename("new", node("/d"), "moved");
    assertThat(src.resolve("new")).doesNotExist();
    assertThat(src.resolve("d/moved")).hasContent("hello");
    node("/d").symlink("l", "moved");
    assertThat(Files.readSymbolicLink(src.resolve("d/l"))).isEqualTo(Path.of("moved"));
    assertThat(vfs.resolve("/d/l", true).node().stat().size()).isEqualTo(6);

    node("/d/moved").chmod(0600);
    node("/d/moved").truncate(2);
    node("/d/moved").setTimes(Node.OMIT, 1_000_000_000_123L);
    node("/d/moved").chown(-1, 4242);
    assertThat(src.resolve("d/moved")).hasContent("he");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(src.resolve("d/moved")))).isEqualTo(
        "rw-------");
    assertThat(Files.getLastModifiedTime(src.resolve("d/moved")).to(TimeUnit.NANOSECONDS))
        .isEqualTo(1_000_000_000_123L);
    assertThat(Files.getAttribute(src.resolve("d/moved"), "unix:gid")).isEqualTo(4242);

    errno(Errno.ENOTEMPTY, () -> top.unlink("d", true));
    errno(Errno.EISDIR, () -> top.unlink("d", false));
    node("/d").unlink("l", false);
    node("/d").unlink("moved", false);
    top.unlink("d", true);
    errno(Errno.EEXIST, () -> top.create("keep", 0644));
    assertThat(snapshot(src).keySet()).containsExactly("", "abs", "absdir", "keep", "sub", "sub/up");
  }

  @Test
  void attributesSetThroughAnFdFollowItsFileAcrossARename() throws Exception {
    FileDescription f = node("/keep").open(LibC.O_RDONLY);
    try {
      node("/").rename("keep", node("/sub"), "moved");
      node("/").create("keep", 0644); // a new file where the fd's file was
      f.chmod(0604);
      f.setTimes(Node.OMIT, 2_000_000_000_000_000_000L);
      f.chown(-1, 4343);
      errno(Errno.EINVAL, () -> f.truncate(0)); // as ftruncate of a read-only fd
    } finally {
      f.decRef();
    }
    Path moved = src.resolve("sub/moved");
    assertThat(moved).hasContent("kept");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(moved))).isEqualTo("rw----r--");
    assertThat(Files.getLastModifiedTime(moved).to(TimeUnit.SECONDS)).isEqualTo(2_000_000_000L);
    assertThat(Files.getAttribute(moved, "unix:gid")).isEqualTo(4343);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(src.resolve("keep")))).isEqualTo(
        "rw-r--r--");
    assertThat(Files.getAttribute(src.resolve("keep"), "unix:gid")).isNotEqualTo(4343);
  }

  @Test
  void guestSymlinksAreOperatedOnAsLinksNeverFollowed() throws Exception {
    Node top = node("/");
    top.symlink("shadow", outside.resolve("secret").toString()); // a guest's ln -s /etc/shadow
    top.symlink("climb", "../../../../../../.." + outside.resolve("secret"));
    for (String link : new String[] {"shadow", "climb", "abs"}) {
      Node n = node("/" + link);
      assertThat(n.type()).isEqualTo(NodeType.SYMLINK);
      errno(Errno.ELOOP, () -> n.open(LibC.O_WRONLY));
      errno(Errno.ELOOP, () -> n.open(LibC.O_RDWR | LibC.O_TRUNC));
      errno(Errno.ELOOP, () -> n.truncate(0));
      errno(Errno.EOPNOTSUPP, () -> n.chmod(0777));
      n.setTimes(0, 0); // the link's own times (AT_SYMLINK_NOFOLLOW)
      n.chown(4242, 4242); // the link's own owner
      errno(Errno.EEXIST, () -> top.create(link, 0644)); // O_EXCL: no creating through a dangling-looking link
      errno(Errno.EEXIST, () -> top.mkdir(link, 0755));
    }
    top.rename("shadow", top, "renamed");
    top.unlink("renamed", false);
    top.unlink("abs", false);
    assertThat(src.resolve("abs")).doesNotExist();
  }

  @Test
  void symlinkedDirectoriesResolveInsideTheRoot() throws Exception {
    // The Vfs follows /absdir and /sub/up itself, inside the sandbox: both name nothing that exists there.
    errno(Errno.ENOENT, () -> vfs.resolveParent("/absdir/new").dir().create("new", 0644));
    errno(Errno.ENOENT, () -> vfs.resolve("/sub/up/secret", true));
    // Below the Vfs, a path through a planted link (a guest race could hand one to the root) stays inside too:
    // the parent directory's own last component is never followed (ENOTDIR), links above it resolve inside the
    // root (ENOENT: the outside directory's path does not exist there).
    Object[][] cases = {{"absdir", Errno.ENOTDIR}, {"sub/up", Errno.ENOTDIR}, {"absdir/dir", Errno.ENOENT},
        {"sub/up/dir", Errno.ENOENT}};
    for (Object[] c : cases) {
      String dir = (String) c[0];
      int parent = (Integer) c[1];
      errno(parent, () -> root.createFile(dir + "/new", 0644));
      errno(parent, () -> root.mkdir(dir + "/newdir", 0755));
      errno(parent, () -> root.symlink(dir + "/l", "x"));
      errno(parent, () -> root.unlink(dir + "/secret", false));
      errno(parent, () -> root.unlink(dir + "/dir", true));
      errno(parent, () -> root.rename(dir + "/secret", "stolen"));
      errno(parent, () -> root.rename("keep", dir + "/keep"));
      errno(parent, () -> root.chmod(dir + "/secret", 0777));
      errno(parent, () -> root.chown(dir + "/secret", 4242, 4242));
      errno(parent, () -> root.setTimes(dir + "/secret", 0, 0));
      errno(Errno.ENOENT, () -> root.truncate(dir + "/secret", 0));
      errno(Errno.ENOENT, () -> root.open(dir + "/secret", LibC.O_WRONLY));
    }
    errno(Errno.ENOENT, () -> root.unlink("../outside/secret", false));
    errno(Errno.EINVAL, () -> node("/").create("..", 0644));
    errno(Errno.EINVAL, () -> node("/").mkdir("a/b", 0755));
    errno(Errno.ENAMETOOLONG, () -> node("/").create("n".repeat(256), 0644));
    assertThat(src.resolve("keep")).hasContent("kept");
  }

  @Test
  void aReadOnlyRootRefusesEveryChangeWithErofs() throws Exception {
    try (HostRoot ro = new HostRoot(src)) {
      Vfs v = new Vfs(new HostNode(ro, ""));
      Node top = v.resolve("/", true).node();
      Node keep = v.resolve("/keep", true).node();
      errno(Errno.EROFS, () -> top.create("new", 0644));
      errno(Errno.EROFS, () -> top.mkdir("new", 0755));
      errno(Errno.EROFS, () -> top.symlink("new", "keep"));
      errno(Errno.EROFS, () -> top.unlink("keep", false));
      errno(Errno.EROFS, () -> top.rename("keep", top, "other"));
      errno(Errno.EROFS, () -> keep.open(LibC.O_WRONLY));
      errno(Errno.EROFS, () -> keep.chmod(0777));
      errno(Errno.EROFS, () -> keep.truncate(0));
      errno(Errno.EROFS, () -> keep.setTimes(0, 0));
      errno(Errno.EROFS, () -> keep.chown(1, 1));
      FileDescription f = keep.open(LibC.O_RDONLY);
      try {
        errno(Errno.EROFS, () -> f.chmod(0777));
        errno(Errno.EROFS, () -> f.setTimes(0, 0));
        errno(Errno.EROFS, () -> f.chown(1, 1));
        assertThat(f.pwrite(null, 0, 1, 0)).isEqualTo(-Errno.EBADF);
      } finally {
        f.decRef();
      }
      errno(Errno.EXDEV, () -> top.rename("keep", node("/"), "other")); // another mount of the same directory
    }
    assertThat(snapshot(src).keySet()).containsExactly("", "abs", "absdir", "keep", "sub", "sub/up");
  }
}
