package dev.jvisor.sentry.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jvisor.sentry.Mount;
import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.Stdio;
import dev.jvisor.host.LibC;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container mounts and rlimits as a program inside sees them: binds (ro and rw), tmpfs, sysfs, getrlimit. What a
 * read-write bind does to the host in detail is {@link ReadWriteBindIT}'s.
 */
class ContainerMountsIT {
  private static final Duration PATIENCE = Duration.ofSeconds(60);
  private static final List<String> ENV = List.of("PATH=/usr/sbin:/usr/bin:/sbin:/bin");
  @TempDir Path tmp;
  private Sandbox sandbox;

  @BeforeEach
  void boot() {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    sandbox = Sandbox.create(SandboxConfig.forRoot(Path.of("/")).withMemory(512L << 20));
  }

  @AfterEach
  void close() {
    if (sandbox != null) {
      sandbox.close();
    }
  }

  /** Runs {@code script} with busybox sh; returns exit status and stdout+stderr. */
  private String run(ProcessSpec spec) throws Exception {
    Path out = tmp.resolve("out-" + System.nanoTime());
    Files.createFile(out);
    int fd = LibC.open(out.toString(), LibC.O_WRONLY | LibC.O_APPEND, 0);
    try {
      int status = sandbox.start(spec, new Stdio(-1, fd, fd)).waitFor(PATIENCE);
      return "exit " + status + "\n" + Files.readString(out, StandardCharsets.UTF_8);
    } finally {
      LibC.close(fd);
    }
  }

  private String sh(String script) throws Exception {
    return run(ProcessSpec.of(List.of("busybox", "sh", "-c", script), ENV));
  }

  @Test
  void bindsTmpfsAndSysfsAppearWhereTheSpecSays() throws Exception {
    Path ro = Files.createDirectories(tmp.resolve("ro"));
    Files.writeString(ro.resolve("data.txt"), "from the host\n");
    Files.createSymbolicLink(ro.resolve("escape"), Path.of("/etc"));
    Path rw = Files.createDirectories(tmp.resolve("rw"));
    Path hosts = Files.writeString(tmp.resolve("hosts"), "10.0.0.7 pod-host\n");
    sandbox.mount(null, List.of(
        new Mount("/mnt/ro", Mount.Type.BIND, ro, true, 0),
        new Mount("/mnt/rw", Mount.Type.BIND, rw, false, 0),
        new Mount("/etc/hosts", Mount.Type.BIND, hosts, false, 0),
        new Mount("/new/dir/tmp", Mount.Type.TMPFS, null, false, 0700),
        new Mount("/sys", Mount.Type.SYSFS, null, true, 0)));
    String out = sh("cat /mnt/ro/data.txt /etc/hosts; echo x > /mnt/ro/new 2>&1; "
        + "rm /mnt/ro/data.txt; touch /mnt/ro/data.txt; ls /mnt/ro/escape/passwd; "
        + "echo kept > /mnt/rw/f && cat /mnt/rw/f; echo t > /new/dir/tmp/f && stat -c '%a %n' /new/dir/tmp; "
        + "ls -A /sys | wc -l");
    assertThat(out).isEqualTo(String.join("\n", "exit 0", "from the host", "10.0.0.7 pod-host",
        "sh: can't create /mnt/ro/new: Read-only file system",
        "rm: can't remove '/mnt/ro/data.txt': Read-only file system",
        "touch: /mnt/ro/data.txt: Read-only file system",
        // An absolute symlink in the bind resolves against the container's root, as on Linux.
        "/mnt/ro/escape/passwd", "kept", "700 /new/dir/tmp", "0", ""));
    // A read-write bind writes to the host directory.
    assertThat(rw.resolve("f")).hasContent("kept");
    assertThat(ro.resolve("new")).doesNotExist();
  }

  @Test
  void aMissingBindSourceIsAClearError() {
    assertThatThrownBy(() -> sandbox.mount(null, List.of(
        new Mount("/x", Mount.Type.BIND, tmp.resolve("absent"), true, 0))))
        .isInstanceOf(SandboxException.class).hasMessageContaining("/x").hasMessageContaining("ENOENT");
  }

  @Test
  void rlimitsAreWhatTheProcessStartsWith() throws Exception {
    ProcessSpec spec = new ProcessSpec(List.of("busybox", "sh", "-c", "ulimit -n; ulimit -Hn; ulimit -c; ulimit -Hc;"
        + " exec 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7</dev/null || echo emfile"), ENV, "/", 0, 0,
        List.of(new ProcessSpec.Rlimit(7, 6, 100), new ProcessSpec.Rlimit(4, 0, -1)));
    String out = run(spec);
    assertThat(out).startsWith("exit ").contains("\n6\n100\n0\nunlimited\n");
    assertThat(out).containsPattern("(?s)Too many open files|emfile|exit [12]");
  }
}
