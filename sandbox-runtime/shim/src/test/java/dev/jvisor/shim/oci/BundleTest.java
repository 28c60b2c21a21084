package dev.jvisor.shim.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.shim.oci.Bundle.BundleException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BundleTest {
  @TempDir Path tmp;

  /** Shaped like what containerd's CRI writes for an app container. */
  static final String CRI_CONFIG = """
      {"ociVersion":"1.0.2-dev",
       "process":{"user":{"uid":0,"gid":0,"additionalGids":[10]},"args":["sleep","3600"],
         "env":["PATH=/usr/bin:/bin","HOSTNAME=x"],"cwd":"/","capabilities":{"bounding":["CAP_CHOWN"]},
         "rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024}],"noNewPrivileges":false,"oomScoreAdj":1000,
         "futureProcessField":true},
       "root":{"path":"rootfs","readonly":false},
       "hostname":"pod-1",
       "mounts":[{"destination":"/proc","type":"proc","source":"proc","options":["nosuid"]},
         {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["mode=755"]},
         {"destination":"/weird","type":"9p","source":"x"}],
       "annotations":{"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-id":"pod123"},
       "linux":{"resources":{"memory":{"limit":268435456},"cpu":{"shares":2}},
         "cgroupsPath":"/k8s.io/abc",
         "namespaces":[{"type":"pid"},{"type":"ipc"},{"type":"network","path":"/var/run/netns/cni-1"},{"type":"mount"}],
         "seccomp":{"defaultAction":"SCMP_ACT_ERRNO"},"maskedPaths":["/proc/kcore"],"unknownLinux":1},
       "topLevelNew":{"a":1}}
      """;

  @Test
  void readsWhatCriWritesAndReportsWhatItDoesNotApply() throws Exception {
    Files.writeString(tmp.resolve("config.json"), CRI_CONFIG);
    Files.createDirectory(tmp.resolve("rootfs"));
    Bundle b = Bundle.read(tmp);
    Spec s = b.spec();
    assertThat(s.process.args).containsExactly("sleep", "3600");
    assertThat(s.process.user.additionalGids).containsExactly(10L);
    assertThat(s.hostname).isEqualTo("pod-1");
    assertThat(b.groupId("task")).isEqualTo("pod123");
    assertThat(b.isPodSandbox()).isFalse();
    assertThat(b.existingRoot()).isEqualTo(tmp.resolve("rootfs"));
    assertThat(SpecCheck.networkNamespacePath(s)).contains("/var/run/netns/cni-1");
    assertThat(SpecCheck.memoryBytes(s, 64L << 20, 2L << 30)).isEqualTo((256L << 20) + (64L << 20));
    assertThat(SpecCheck.notApplied(s)).anySatisfy(l -> assertThat(l).startsWith("topLevelNew: unknown field"))
        .anySatisfy(l -> assertThat(l).startsWith("process.futureProcessField: unknown field"))
        .anySatisfy(l -> assertThat(l).startsWith("linux.unknownLinux: unknown field"))
        .anySatisfy(l -> assertThat(l).startsWith("linux.seccomp: not applied"))
        .anySatisfy(l -> assertThat(l).startsWith("process.rlimits: not applied"))
        .anySatisfy(l -> assertThat(l).contains("mounts[/weird]: unsupported type 9p"))
        .anySatisfy(l -> assertThat(l).startsWith("mounts[/proc]: proc not mounted"))
        .anySatisfy(l -> assertThat(l).startsWith("linux.resources.cpu: not applied"));
    SpecCheck.validate(s.process, "config.json");
  }

  @Test
  void noLimitMeansTheDefaultMemoryAndGroupFallsBackToTheTaskId() throws Exception {
    Files.writeString(tmp.resolve("config.json"), "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"/abs\"}}");
    Bundle b = Bundle.read(tmp);
    assertThat(SpecCheck.memoryBytes(b.spec(), 1, 512L << 20)).isEqualTo(512L << 20);
    assertThat(b.groupId("t1")).isEqualTo("t1");
    assertThat(b.rootPath()).isEqualTo(Path.of("/abs"));
  }

  @Test
  void badBundlesSayWhatIsWrong() throws Exception {
    assertThatThrownBy(() -> Bundle.read(tmp)).isInstanceOf(BundleException.class).hasMessageContaining("missing");
    Files.writeString(tmp.resolve("config.json"), "{\"process\": {\"args\": \"notalist\"}}");
    assertThatThrownBy(() -> Bundle.read(tmp)).isInstanceOf(BundleException.class)
        .hasMessageContaining("not a valid OCI spec");
    Files.writeString(tmp.resolve("config.json"), "null");
    assertThatThrownBy(() -> Bundle.read(tmp)).isInstanceOf(BundleException.class).hasMessageContaining("empty");
    Files.writeString(tmp.resolve("config.json"), "{\"process\":{\"args\":[\"sh\"]}}");
    assertThatThrownBy(() -> Bundle.read(tmp).rootPath()).hasMessageContaining("no root.path");
    Files.writeString(tmp.resolve("config.json"), "{\"process\":{\"args\":[\"sh\"]},\"root\":{\"path\":\"rootfs\"}}");
    assertThatThrownBy(() -> Bundle.read(tmp).existingRoot()).hasMessageContaining("rootfs")
        .hasMessageContaining("missing");
    Files.write(tmp.resolve("config.json"), new byte[(int) Bundle.MAX_CONFIG_BYTES + 1]);
    assertThatThrownBy(() -> Bundle.read(tmp)).hasMessageContaining("bytes, more than");
  }

  @Test
  void processValidation() throws Exception {
    Spec.Process p = Bundle.parseProcess("{\"args\":[\"ls\"],\"env\":[\"NOEQUALS\"]}".getBytes());
    assertThatThrownBy(() -> SpecCheck.validate(p, "exec")).hasMessageContaining("not K=V");
    Spec.Process rel = Bundle.parseProcess("{\"args\":[\"ls\"],\"cwd\":\"tmp\"}".getBytes());
    assertThatThrownBy(() -> SpecCheck.validate(rel, "exec")).hasMessageContaining("not absolute");
    Spec.Process empty = Bundle.parseProcess("{\"args\":[]}".getBytes());
    assertThatThrownBy(() -> SpecCheck.validate(empty, "exec")).hasMessageContaining("args is empty");
    assertThatThrownBy(() -> Bundle.parseProcess("[1,2]".getBytes())).isInstanceOf(BundleException.class);
  }
}
