package dev.jvisor.sentry.vfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.sentry.fs.host.HostNode;
import dev.jvisor.sentry.fs.host.HostRoot;
import dev.jvisor.sentry.fs.mem.MemNode;
import dev.jvisor.sentry.fs.mem.OverlayNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A temporary sandbox root full of symlinks that point outside it: every path must resolve inside the root.
 * The host file /tmp/.../outside/secret must never be reachable.
 */
class PathEscapeTest {
  private Path base;
  private Path root;
  private HostRoot hostRoot;
  private Vfs vfs;

  @BeforeEach
  void plant() throws Exception {
    base = Files.createTempDirectory("jvisor-escape");
    root = Files.createDirectories(base.resolve("root"));
    Path outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("secret"), "host secret\n");
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("etc/secret"), "sandbox file\n");
    Files.createSymbolicLink(root.resolve("abs"), outside); // absolute link to a host directory
    Files.createSymbolicLink(root.resolve("rel"), Path.of("../outside")); // relative link climbing out
    Files.createSymbolicLink(root.resolve("etc/up"), Path.of("../../../../../../..")); // many ".."
    Files.createSymbolicLink(root.resolve("hostfile"), outside.resolve("secret"));
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    hostRoot = new HostRoot(root);
    vfs = new Vfs(OverlayNode.root(new HostNode(hostRoot, ""), MemNode.directory(0755)));
  }

  @AfterEach
  void clean() throws Exception {
    hostRoot.close();
    try (var s = Files.walk(base)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Which host file a sandbox path reached, named by the host's inode numbers. */
  private String read(String path) throws Exception {
    long ino = vfs.resolve(path, true).node().stat().ino();
    for (Path p : new Path[] {root.resolve("etc/secret"), base.resolve("outside/secret")}) {
      if (((Number) Files.getAttribute(p, "unix:ino")).longValue() == ino) {
        return Files.readString(p, StandardCharsets.UTF_8);
      }
    }
    throw new AssertionError("no planted file at " + path);
  }

  @Test
  void dotDotAtTheRootStaysAtTheRoot() throws Exception {
    assertThat(vfs.resolve("/../../..", true).path()).isEqualTo("/");
    assertThat(read("/../../../etc/secret")).isEqualTo("sandbox file\n");
    assertThatThrownBy(() -> vfs.resolve("/../outside/secret", true)).isInstanceOf(ErrnoException.class);
  }

  @Test
  void absoluteSymlinksRestartAtTheSandboxRoot() throws Exception {
    // /abs -> <host>/outside: inside the sandbox that names <root>/<host path>, which does not exist.
    assertThatThrownBy(() -> vfs.resolve("/abs/secret", true)).isInstanceOf(ErrnoException.class)
        .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(dev.jvisor.host.Errno.ENOENT);
    assertThatThrownBy(() -> vfs.resolve("/hostfile", true)).isInstanceOf(ErrnoException.class);
  }

  @Test
  void relativeSymlinksCannotClimbOut() throws Exception {
    assertThatThrownBy(() -> vfs.resolve("/rel/secret", true)).isInstanceOf(ErrnoException.class);
    assertThat(vfs.resolve("/etc/up", true).path()).isEqualTo("/");
    assertThat(read("/etc/up/etc/secret")).isEqualTo("sandbox file\n");
  }

  @Test
  void symlinkLoopsEndInEloop() {
    assertThatThrownBy(() -> vfs.resolve("/loop", true)).isInstanceOf(ErrnoException.class)
        .extracting(e -> ((ErrnoException) e).errno()).isEqualTo(dev.jvisor.host.Errno.ELOOP);
  }

  @Test
  void theHostRootItselfRefusesEscapesEvenWithoutTheVfs() throws Exception {
    // openat2(RESOLVE_IN_ROOT) below the Vfs: a raw relative path with host symlinks still stays inside.
    assertThatThrownBy(() -> hostRoot.open("rel/secret", 0)).isInstanceOf(ErrnoException.class);
    assertThatThrownBy(() -> hostRoot.open("hostfile", 0)).isInstanceOf(ErrnoException.class);
    assertThatThrownBy(() -> hostRoot.open("../outside/secret", 0)).isInstanceOf(ErrnoException.class);
  }

  @Test
  void writesGoToTheOverlayAndNeverToTheHost() throws Exception {
    Vfs.Parent p = vfs.resolveParent("/etc/new-file");
    p.dir().create(p.name(), 0644);
    assertThat(vfs.resolve("/etc/new-file", true).node().type()).isEqualTo(NodeType.REGULAR);
    assertThat(root.resolve("etc/new-file")).doesNotExist();
    vfs.resolveParent("/etc/secret").dir().unlink("secret", false);
    assertThatThrownBy(() -> vfs.resolve("/etc/secret", true)).isInstanceOf(ErrnoException.class);
    assertThat(root.resolve("etc/secret")).exists();
  }
}
