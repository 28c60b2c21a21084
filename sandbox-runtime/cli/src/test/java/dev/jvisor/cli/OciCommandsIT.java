package dev.jvisor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The runc-shaped commands end to end on a busybox bundle: what containerd's runc shim would call. */
@Timeout(180)
class OciCommandsIT {
  @TempDir Path tmp;
  Path root;
  final List<Long> daemons = new ArrayList<>();

  record Out(int code, String stdout, String stderr) {}

  Out jvisor(String... args) throws Exception {
    List<String> a = new ArrayList<>(List.of(args));
    a.add(1, "--root");
    a.add(2, root.toString());
    Path out = Files.createTempFile(tmp, "out", ".txt");
    Path err = Files.createTempFile(tmp, "err", ".txt");
    Process p = new ProcessBuilder(ShimLauncher.cli(a.toArray(String[]::new))).redirectOutput(out.toFile())
        .redirectError(err.toFile()).start();
    p.getOutputStream().close();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("jvisor " + String.join(" ", args)).isTrue();
    return new Out(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  Path bundle(List<String> args) throws IOException {
    Path b = Files.createDirectories(tmp.resolve("bundle"));
    Path bin = Files.createDirectories(b.resolve("rootfs/bin"));
    if (!Files.exists(bin.resolve("busybox"))) {
      Files.copy(Path.of("/bin/busybox"), bin.resolve("busybox"));
      for (String applet : List.of("sh", "sleep", "uname", "echo", "true")) {
        Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
      }
    }
    ObjectMapper json = new ObjectMapper();
    ObjectNode spec = (ObjectNode) json.readTree(Signals.STARTER_SPEC);
    var argv = ((ObjectNode) spec.get("process")).putArray("args");
    args.forEach(argv::add);
    Files.writeString(b.resolve("config.json"), json.writeValueAsString(spec));
    return b;
  }

  @AfterEach
  void cleanUp() {
    for (long pid : daemons) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  @Test
  void createStartExecKillDelete() throws Exception {
    SentryProbe.cannotRunPrograms().ifPresent(why -> assumeTrue(false, why));
    root = Files.createDirectories(tmp.resolve("state"));
    Path b = bundle(List.of("sh", "-c", "echo started; exec sleep 600"));
    Path pidFile = tmp.resolve("init.pid");
    Out create = jvisor("create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), "c1");
    assertThat(create.code()).as(create.stderr()).isZero();
    long pid = Long.parseLong(Files.readString(pidFile).trim());
    daemons.add(pid);
    assertThat(jvisor("state", "c1").stdout()).contains("\"status\" : \"created\"");
    assertThat(jvisor("start", "c1").code()).isZero();
    assertThat(jvisor("state", "c1").stdout()).contains("\"status\" : \"running\"");
    Out exec = jvisor("exec", "c1", "--", "uname", "-sr");
    assertThat(exec.stdout().trim()).isEqualTo("Linux 4.4.0");
    assertThat(jvisor("exec", "c1", "--", "sh", "-c", "exit 5").code()).isEqualTo(5);
    assertThat(jvisor("ps", "--format", "json", "c1").stdout().trim()).startsWith("[").contains("1");
    Out refused = jvisor("delete", "c1");
    assertThat(refused.code()).isEqualTo(1);
    assertThat(refused.stderr()).contains("running");
    assertThat(jvisor("kill", "c1", "KILL").code()).isZero();
    ProcessHandle.of(pid).ifPresent(ph -> ph.onExit().join());
    assertThat(jvisor("state", "c1").stdout()).contains("\"status\" : \"stopped\"");
    assertThat(jvisor("delete", "c1").code()).isZero();
    assertThat(root.resolve("c1")).doesNotExist();
    assertThat(jvisor("delete", "c1").code()).isEqualTo(1);
    assertThat(jvisor("delete", "--force", "c1").code()).isZero();
  }

  @Test
  void runPassesTheExitCodeAndBadInputIsAClearError() throws Exception {
    root = Files.createDirectories(tmp.resolve("state"));
    Path b = bundle(List.of("sh", "-c", "exit 7"));
    Files.writeString(b.resolve("config.json"), "{not json");
    Out bad = jvisor("create", "--bundle", b.toString(), "x1");
    assertThat(bad.code()).isEqualTo(1);
    assertThat(bad.stderr()).contains("config.json").contains("not a valid OCI spec");
    Out badId = jvisor("create", "--bundle", b.toString(), "../x");
    assertThat(badId.stderr()).contains("invalid container id");
    SentryProbe.cannotRunPrograms().ifPresent(why -> assumeTrue(false, why));
    bundle(List.of("sh", "-c", "exit 7"));
    assertThat(jvisor("run", "--bundle", b.toString(), "r1").code()).isEqualTo(7);
  }

  @Test
  void specWritesAStarterConfig() throws Exception {
    root = Files.createDirectories(tmp.resolve("state"));
    Path dir = Files.createDirectories(tmp.resolve("spec"));
    assertThat(jvisor("spec", "--bundle", dir.toString()).code()).isZero();
    String spec = Files.readString(dir.resolve("config.json"), StandardCharsets.UTF_8);
    assertThat(new ObjectMapper().readTree(spec).get("process").get("args").get(0).asText()).isEqualTo("sh");
    assertThat(jvisor("spec", "--bundle", dir.toString()).code()).isEqualTo(1);
  }
}
