package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** C programs compiled with gcc during the test, static and dynamic, run natively then in the sandbox. */
class CProgramsIT {
  private static Path dir;

  @BeforeAll
  static void compile() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    dir = Files.createTempDirectory("jvisor-c");
    for (String name : List.of("mm", "fileio", "timerlimits", "nullptr", "forkmem", "timers", "fdtypes", "sched",
        "owners", "altstack", "cloexec", "robust", "prctl", "cputime", "unixsock")) {
      Path src = dir.resolve(name + ".c");
      try (InputStream in = CProgramsIT.class.getResourceAsStream("/c/" + name + ".c")) {
        Files.copy(in, src);
      }
      for (String mode : List.of("dynamic", "static")) {
        List<String> cmd = mode.equals("static")
            ? List.of("gcc", "-O1", "-static", "-o", dir.resolve(name + "-static").toString(), src.toString())
            : List.of("gcc", "-O1", "-o", dir.resolve(name + "-dynamic").toString(), src.toString());
        Runs.Result r = Runs.run(cmd, dir);
        assertThat(r.exit()).as("gcc %s: %s", name, r.stderr()).isZero();
      }
    }
  }

  @AfterAll
  static void cleanup() throws Exception {
    if (dir != null) {
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"mm,dynamic", "mm,static", "fileio,dynamic", "fileio,static", "timerlimits,dynamic",
      "timerlimits,static", "forkmem,dynamic", "forkmem,static", "timers,dynamic", "timers,static",
      "fdtypes,dynamic", "fdtypes,static", "sched,dynamic", "sched,static", "altstack,dynamic", "altstack,static",
      "cloexec,dynamic", "cloexec,static", "robust,dynamic", "robust,static",
      "prctl,dynamic", "prctl,static", "cputime,dynamic", "cputime,static", "unixsock,dynamic",
      "unixsock,static"})
  void printsTheSameAsNatively(String program, String linkage) throws Exception {
    String exe = dir.resolve(program + "-" + linkage).toString();
    String scratch = "/tmp/jvisor-c-scratch-" + program + "-" + linkage;
    Runs.Result host = Runs.natively(dir, exe, scratch);
    assertThat(host.exit()).as("native %s: %s", program, host.stderr()).isZero();
    assertThat(host.stdout()).isNotBlank();
    Runs.Result r = Runs.sandboxed(dir, exe, scratch);
    assertThat(r.stdout()).isEqualTo(host.stdout());
    assertThat(r.exit()).isZero();
    assertThat(Path.of(scratch)).doesNotExist();
  }

  /** Ownership and groups: root may chown anything natively, and the sandbox's processes are root. */
  @ParameterizedTest
  @CsvSource({"owners,dynamic", "owners,static"})
  void rootOwnershipAndGroupsMatchNatively(String program, String linkage) throws Exception {
    assumeTrue(Runs.natively(dir, "id", "-u").stdout().trim().equals("0"), "needs root natively");
    printsTheSameAsNatively(program, linkage);
  }

  @Test
  void aNullPointerWriteEndsWithSigsegvAndTheNextSandboxRunsFine() throws Exception {
    for (String linkage : List.of("dynamic", "static")) {
      String exe = dir.resolve("nullptr-" + linkage).toString();
      assertThat(Runs.natively(dir, "sh", "-c", exe).exit()).isEqualTo(139);
      Runs.Result r = Runs.sandboxed(dir, exe);
      assertThat(r.exit()).isEqualTo(139);
      assertThat(r.stderr()).doesNotContain("Exception");
    }
  }
}
