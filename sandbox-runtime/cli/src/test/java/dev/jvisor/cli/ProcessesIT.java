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
import org.junit.jupiter.params.provider.ValueSource;

/** Shells, pipelines, fork/exec/wait, threads and signals: each runs natively first, then in the sandbox. */
class ProcessesIT {
  private static final Path CWD = Path.of("/tmp");
  private static Path dir;

  @BeforeAll
  static void compile() throws Exception {
    assumeTrue(Files.exists(Path.of("/dev/kvm")), "no /dev/kvm on this machine");
    dir = Files.createTempDirectory("jvisor-proc");
    for (String name : List.of("threads", "signals", "vcpushare")) {
      Path src = dir.resolve(name + ".c");
      try (InputStream in = ProcessesIT.class.getResourceAsStream("/c/" + name + ".c")) {
        Files.copy(in, src);
      }
      Runs.Result r = Runs.run(List.of("gcc", "-O1", "-pthread", "-o", dir.resolve(name).toString(),
          src.toString()), dir);
      assertThat(r.exit()).as("gcc %s: %s", name, r.stderr()).isZero();
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

  /**
   * Runs {@code cmd} natively (it must succeed), then in the sandbox with {@code opts}: the same stdout and exit 0.
   * Returns {native, sandboxed} for further checks.
   */
  private static Runs.Result[] sameAsNative(Path cwd, List<String> opts, String... cmd) throws Exception {
    Runs.Result host = Runs.natively(cwd, cmd);
    assertThat(host.exit()).as(host.stderr()).isZero();
    Runs.Result r = Runs.sandboxed(cwd, opts, cmd);
    assertThat(r.stdout()).as(r.stderr()).isEqualTo(host.stdout());
    assertThat(r.exit()).isZero();
    return new Runs.Result[] {host, r};
  }

  @Test
  void dmesgThroughAPipeFindsTheBootLine() throws Exception {
    Runs.Result r = Runs.sandboxed(CWD, "sh", "-c", "dmesg | grep Starting");
    assertThat(r.stdout()).isEqualTo("[    0.000000] Starting jvisor...\n");
    assertThat(r.exit()).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"for i in 3 1 2; do echo $i; done | sort | head -2; echo $?",
      "echo $(echo nested $(echo deeper)); x=$(seq 1 5 | paste -sd+ | bc); echo $x",
      "ls /usr | wc -l; (exit 3); echo status $?",
      "yes | head -3; echo ${PIPESTATUS[@]}",
      "sh -c 'exit 4' || echo failed with $?"})
  void bashPrintsWhatItPrintsNatively(String script) throws Exception {
    sameAsNative(CWD, List.of(), "bash", "-c", script);
  }

  @Test
  void psListsOnlyTheSandboxesOwnSmallPids() throws Exception {
    Runs.Result r = Runs.sandboxed(CWD, "sh", "-c", "sleep 5 & ps -o pid,comm");
    assertThat(r.exit()).isZero();
    assertThat(r.stdout()).isEqualTo("  PID COMMAND\n    1 sh\n    2 sleep\n    3 ps\n");
  }

  @Test
  void pythonSubprocessThreadsSignalsAndForkMatchNative() throws Exception {
    String program = String.join("\n",
        "import subprocess, threading, os, signal",
        "print(subprocess.run(['echo', 'child'], capture_output=True).stdout)",
        "from concurrent.futures import ThreadPoolExecutor",
        "with ThreadPoolExecutor(4) as ex: print(sum(ex.map(lambda x: x * x, range(100))))",
        "got = []",
        "signal.signal(signal.SIGUSR1, lambda s, f: got.append(s))",
        "os.kill(os.getpid(), signal.SIGUSR1)",
        "print('handler', got)",
        "pid = os.fork()",
        "if pid == 0: os._exit(7)",
        "print('waited', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))",
        "t = threading.Thread(target=lambda: print('thread', threading.current_thread().name))",
        "t.start(); t.join()");
    sameAsNative(CWD, List.of(), "/usr/bin/python3", "-c", program);
  }

  @Test
  void pthreadsGiveCorrectResults() throws Exception {
    String exe = dir.resolve("threads").toString();
    Runs.Result host = sameAsNative(dir, List.of(), exe)[0];
    assertThat(host.stdout()).contains("counter 160000 (expected 160000)");
  }

  @Test
  void signalBehaviourMatchesNative() throws Exception {
    String exe = dir.resolve("signals").toString();
    Runs.Result host = sameAsNative(dir, List.of(), exe)[0];
    assertThat(host.stdout()).doesNotContain(": 0");
  }

  @Test
  void moreThreadsThanVcpusShareThemAndSpinnersArePreempted() throws Exception {
    String exe = dir.resolve("vcpushare").toString();
    // 2 vCPUs for 22 threads: spinners that never make a syscall can only let the releaser run if preempted.
    Runs.Result[] runs = sameAsNative(dir, List.of("--vcpus", "2", "--debug"), exe);
    assertThat(runs[0].stdout()).isEqualTo("spinners released: 4 of 4\ncounter 320000\n");
    Runs.Result r = runs[1];
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("vCPUs: 2 at most; taken from blocked tasks (\\d+) times, time slices preempted (\\d+)")
        .matcher(r.stderr());
    assertThat(m.find()).as(r.stderr()).isTrue();
    assertThat(Long.parseLong(m.group(1)) + Long.parseLong(m.group(2))).isPositive();
  }

  @ParameterizedTest
  @ValueSource(strings = {"256", "1"})
  void aShellWaitingForBackgroundJobsWakesOnSigchld(String vcpus) throws Exception {
    // `wait` blocks SIGCHLD and sigsuspends until the handler has seen every child end.
    String script = "for i in 1 2 3 4 5 6; do (sleep 0.1; echo job $i) & done; wait; echo all done";
    Runs.Result host = Runs.natively(CWD, "sh", "-c", script);
    assertThat(host.exit()).isZero();
    Runs.Result r = Runs.sandboxed(CWD, List.of("--vcpus", vcpus), "sh", "-c", script);
    assertThat(r.exit()).as(r.stderr()).isZero();
    assertThat(r.stdout().lines().sorted().toList()).isEqualTo(host.stdout().lines().sorted().toList());
    assertThat(r.stdout()).endsWith("all done\n");
  }

  @Test
  void sigchldReachesAPythonHandlerWithTheChildsPid() throws Exception {
    String script = String.join("\n",
        "import os, signal",
        "got = []",
        "signal.signal(signal.SIGCHLD, lambda s, f: got.append(s))",
        "pid = os.fork()",
        "if pid == 0:",
        "    os._exit(3)",
        "import time",
        "for _ in range(3000):",
        "    if got:",
        "        break",
        "    time.sleep(0.01)",
        "_, status = os.waitpid(pid, 0)",
        "print('SIGCHLD', got == [signal.SIGCHLD], 'exit', os.WEXITSTATUS(status))",
        "signal.signal(signal.SIGCHLD, signal.SIG_IGN)",
        "pid = os.fork()",
        "if pid == 0:",
        "    os._exit(0)",
        "try:",
        "    os.waitpid(pid, 0)",
        "    print('reaped by wait')",
        "except ChildProcessError:",
        "    print('auto-reaped: ECHILD')");
    sameAsNative(CWD, List.of(), "/usr/bin/python3", "-c", script);
  }

  @Test
  void credentialsFollowLinuxSetIdRules() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "the native run needs root to change IDs");
    String script = String.join("\n",
        "import os",
        "print(os.getresuid(), os.getresgid())",
        "os.setresgid(10, 11, 12); print(os.getresgid())",
        "os.setregid(-1, 12); print(os.getresgid())",
        "os.setgid(0); print(os.getresgid())",
        "os.setreuid(1000, 1001); print(os.getresuid())",
        "try:",
        "    os.setuid(0)",
        "except PermissionError as e:",
        "    print('setuid(0) as 1001:', e.errno)",
        "os.setresuid(-1, 1000, -1); print(os.getresuid())",
        "try:",
        "    os.setgid(5)",
        "except PermissionError as e:",
        "    print('setgid(5) unprivileged:', e.errno)",
        "pid = os.fork()",
        "if pid == 0:",
        "    print('child', os.getuid(), os.geteuid()); os._exit(0)",
        "os.waitpid(pid, 0)");
    sameAsNative(CWD, List.of(), "/usr/bin/python3", "-c", script);
  }

  /** AF_UNIX from Python: socketpair, a threaded socketserver on a path in /tmp, datagrams, send_fds/recv_fds. */
  @Test
  void pythonUnixSocketsBehaveAsNatively() throws Exception {
    Path script = dir.resolve("unixsock.py");
    try (InputStream in = ProcessesIT.class.getResourceAsStream("/py/unixsock.py")) {
      Files.copy(in, script);
    }
    String sock = "/tmp/jvisor-py-unixsock-" + ProcessHandle.current().pid();
    sameAsNative(CWD, List.of(), "/usr/bin/python3", script.toString(), sock);
    assertThat(Path.of(sock)).doesNotExist();
  }
}
