package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * `jvisor do` on this machine's /dev/kvm with the host root: each behaviour runs natively first (it must pass
 * there), then in the sandbox, and the outputs are compared.
 */
class DoCommandIT {
  private static final Path CWD = Path.of("/tmp");

  @BeforeAll
  static void needKvm() {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
  }

  @Test
  void unameReportsTheSandboxKernelWhileTheHostReportsItsOwn() throws Exception {
    Runs.Result host = Runs.natively(CWD, "uname", "-sr");
    assertThat(host.exit()).isZero();
    assertThat(host.stdout()).startsWith("Linux ").isNotEqualTo("Linux 4.4.0\n");
    assertThat(Files.readString(Path.of("/proc/self/maps"))).isNotEmpty();
    Runs.Result r = Runs.sandboxed(CWD, "uname", "-sr");
    assertThat(r.stderr()).isEmpty();
    assertThat(r.stdout()).isEqualTo("Linux 4.4.0\n");
    assertThat(r.exit()).isZero();
  }

  @Test
  void dmesgStartsWithOurBootLog() throws Exception {
    Runs.Result r = Runs.sandboxed(CWD, "/bin/busybox", "dmesg");
    assertThat(r.exit()).isZero();
    assertThat(r.stdout().lines().findFirst()).hasValue("[    0.000000] Starting jvisor...");
    assertThat(r.stdout()).contains("Ready!");
  }

  @ParameterizedTest
  @ValueSource(strings = {"cat /etc/os-release", "ls -la /usr", "id", "pwd", "busybox sh -c echo_$((6*7))",
      "sleep 0.2", "wc -c /etc/passwd", "ls -l /etc/ssl", "busybox ls /usr/bin", "head -c 100 /etc/services",
      "stat -c %s_%F /etc/passwd", "readlink -f /bin/sh", "perl -e print_\"ok_$0\\n\""})
  void printsWhatTheHostPrints(String command) throws Exception {
    String[] cmd = Arrays.stream(command.split(" ")).map(s -> s.replace('_', ' ')).toArray(String[]::new);
    Runs.Result host = Runs.natively(CWD, cmd);
    assertThat(host.exit()).as("native run of %s: %s", command, host.stderr()).isZero();
    Runs.Result r = Runs.sandboxed(CWD, cmd);
    assertThat(r.stdout()).isEqualTo(host.stdout());
    assertThat(r.exit()).isEqualTo(host.exit());
  }

  @Test
  void envShowsTheCallersEnvironment() throws Exception {
    // The native `env` and the sandboxed one see the same variables; `_` names the launching program.
    Runs.Result host = Runs.natively(CWD, "env");
    Runs.Result r = Runs.sandboxed(CWD, "env");
    assertThat(r.exit()).isZero();
    assertThat(sortedWithout(r.stdout())).isEqualTo(sortedWithout(host.stdout()));
  }

  private static List<String> sortedWithout(String env) {
    return env.lines().filter(l -> !l.startsWith("_=")).sorted().collect(Collectors.toList());
  }

  @Test
  void exitStatusIsTheProgramsOwn() throws Exception {
    assertThat(Runs.natively(CWD, "sh", "-c", "exit 7").exit()).isEqualTo(7);
    assertThat(Runs.sandboxed(CWD, "sh", "-c", "exit 7").exit()).isEqualTo(7);
  }

  @Test
  void writesLandInTheOverlayAndNeverOnTheHost() throws Exception {
    Path probe = Path.of("/etc/jvisor-probe");
    Files.deleteIfExists(probe);
    Runs.Result r = Runs.sandboxed(CWD, "/bin/busybox", "sh", "-c",
        "echo x > /etc/jvisor-probe; read l < /etc/jvisor-probe; echo $l");
    assertThat(r.stdout()).isEqualTo("x\n");
    assertThat(r.exit()).isZero();
    assertThat(probe).doesNotExist();
  }

  @Test
  void volumesBindHostDirectoriesReadWriteOrReadOnly(@TempDir Path tmp) throws Exception {
    Path rw = Files.createDirectories(tmp.resolve("rw"));
    Path ro = Files.createDirectories(tmp.resolve("ro"));
    Files.writeString(ro.resolve("g"), "from the host\n");
    Runs.Result r = Runs.sandboxed(CWD, List.of("-v", rw + ":/mnt/rw", "--volume", ro + ":/mnt/ro:ro"),
        "/bin/busybox", "sh", "-c", "echo hi > /mnt/rw/f && mkdir /mnt/rw/d; cat /mnt/ro/g; echo x > /mnt/ro/h");
    assertThat(r.stdout()).isEqualTo("from the host\n");
    assertThat(r.stderr()).contains("/mnt/ro/h").contains("Read-only file system");
    assertThat(rw.resolve("f")).hasContent("hi");
    assertThat(rw.resolve("d")).isDirectory();
    assertThat(ro.resolve("h")).doesNotExist();
    Runs.Result bad = Runs.sandboxed(CWD, List.of("-v", rw + ":relative"), "true");
    assertThat(bad.exit()).isEqualTo(2);
    assertThat(bad.stderr()).contains("--volume wants HOST:DEST[:ro]");
    Runs.Result missing = Runs.sandboxed(CWD, List.of("-v", tmp.resolve("absent") + ":/x"), "true");
    assertThat(missing.exit()).isEqualTo(125);
    assertThat(missing.stderr()).contains("/x").contains("ENOENT");
  }

  @Test
  void missingCommandsAndNonExecutablesFailClearly() throws Exception {
    Runs.Result missing = Runs.sandboxed(CWD, "no-such-command-here");
    assertThat(missing.exit()).isEqualTo(127);
    assertThat(missing.stderr()).isEqualTo("jvisor: no-such-command-here: command not found\n");
    Runs.Result notExec = Runs.sandboxed(CWD, "/etc/passwd");
    assertThat(notExec.exit()).isEqualTo(126);
    assertThat(notExec.stderr()).contains("/etc/passwd").doesNotContain("Exception");
  }

  @Test
  void debugNamesThePlatformFlavour() throws Exception {
    Runs.Result r = Runs.sandboxed(CWD, List.of("--debug"), "true");
    assertThat(r.exit()).isZero();
    assertThat(r.stderr()).containsPattern("platform: kvm, (PVM|hardware KVM)");
  }

  @Test
  void shortSyscallsTakeTheSharedPageWithoutAnExitOnPvm() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/sys/module/kvm_pvm")), "the fast path is PVM-only");
    // The shared page needs its poller thread on a core while the vCPU runs: on a machine busy with other work
    // a run can lose that race throughout. The property holds if one of three runs shows it.
    long best = 0;
    String stderr = "";
    for (int attempt = 0; attempt < 3 && best <= 1000; attempt++) {
      Runs.Result r = Runs.sandboxed(CWD, List.of("--debug"), "/usr/bin/python3", "-c",
          "import os\nfor _ in range(2000): os.getppid()\nprint(os.getppid())");
      assertThat(r.stdout()).isEqualTo("0\n");
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("request page \\(no VM exit\\): (\\d+)")
          .matcher(r.stderr());
      assertThat(m.find()).as(r.stderr()).isTrue();
      best = Math.max(best, Long.parseLong(m.group(1)));
      stderr = r.stderr();
    }
    assertThat(best).as(stderr).isGreaterThan(1000);
  }

  @Test
  void straceDecodesSyscalls() throws Exception {
    Runs.Result r = Runs.sandboxed(CWD, List.of("--strace"), "/bin/busybox", "cat", "/etc/hostname");
    assertThat(r.exit()).isZero();
    assertThat(r.stderr()).containsPattern("open(at\\(-100, )?\\(?\"/etc/hostname\", 0x0, 0+\\) = 3")
        // busybox cat copies with sendfile where the kernel has it (as natively), else with read
        .containsPattern("(read\\(3, 0x[0-9a-f]+, \\d+\\)|sendfile\\(1, 3, 0x0, \\d+\\)) = \\d+")
        .contains("exit_group(0)");
  }

  @Test
  void helpSyscallsListsEveryEntryWithItsSupportLevel() throws Exception {
    Runs.Result r = Runs.run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-jar", Runs.JAR.toString(), "help", "syscalls"), CWD);
    assertThat(r.exit()).isZero();
    assertThat(r.stdout()).containsPattern("(?m)^0 +read +full")
        .containsPattern("(?m)^202 +futex +partial +WAIT")
        .containsPattern("(?m)^\\d+ syscalls: \\d+ full, \\d+ partial, \\d+ error$");
    assertThat(r.stdout().lines().filter(l -> l.matches("^\\d+ .*")).count()).isGreaterThan(350);
  }
}
