package dev.jvisor.e2e.localnode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code e2e/run-local.sh} as CI does and holds it to its own verdict: exit status 0 and a summary line with
 * steps passed and none failed. Needs root and /dev/kvm (skips without them, saying so) and the Debian packages
 * containerd, runc and busybox-static (fails naming the missing one).
 */
class LocalNodeIT {

  static final Duration TIMEOUT = Duration.ofMinutes(12);
  static final Pattern SUMMARY = Pattern.compile("^e2e local-node: (\\d+) passed, (\\d+) failed", Pattern.MULTILINE);

  @Test
  void localNodeFlowPassesEveryStep() throws IOException, InterruptedException {
    // Like the other KVM tiers: a machine without /dev/kvm or root skips with the reason; one with them must pass
    // (missing containerd, runc or busybox is a failure the script names).
    Path kvm = Path.of("/dev/kvm");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(kvm) && Files.isWritable(kvm),
        "/dev/kvm is missing or not usable: the local node's sandboxes need it");
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
        "the local node needs root (containerd, mounts): run the build as root");
    Path script = Path.of("run-local.sh").toAbsolutePath();
    Path log = Path.of("target", "run-local.log").toAbsolutePath();
    Process p = new ProcessBuilder(List.of("bash", script.toString())).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    boolean finished = p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    if (!finished) {
      p.descendants().forEach(ProcessHandle::destroy);
      p.destroy();
      p.waitFor(30, TimeUnit.SECONDS);
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    System.out.println(output);

    assertThat(finished).as("run-local.sh finished within %s", TIMEOUT).isTrue();
    Matcher m = SUMMARY.matcher(output);
    assertThat(m.find()).as("summary line in:\n%s", output).isTrue();
    assertThat(Integer.parseInt(m.group(2))).as("failed steps:\n%s", output).isZero();
    assertThat(Integer.parseInt(m.group(1))).as("passed steps").isEqualTo(14);
    assertThat(p.exitValue()).as("exit status").isZero();
  }
}
