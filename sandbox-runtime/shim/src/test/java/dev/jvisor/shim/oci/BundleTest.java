package dev.jvisor.shim.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.sentry.Mount;
import dev.jvisor.sentry.ProcessSpec;
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
         "rlimits":[{"type":"RLIMIT_NOFILE","hard":1024,"soft":1024},
           {"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":0}],"noNewPrivileges":false,"oomScoreAdj":1000,
         "futureProcessField":true},
       "root":{"path":"rootfs","readonly":false},
       "hostname":"pod-1",
       "mounts":[{"destination":"/proc","type":"proc","source":"proc","options":["nosuid"]},
         {"destination":"/dev","type":"tmpfs","source":"tmpfs","options":["mode=755"]},
         {"destination":"/weird","type":"9p","source":"x"},
         {"destination":"/etc/hosts","type":"bind","source":"/var/lib/c/hosts","options":["rbind","rprivate","rw"]},
         {"destination":"/data/","type":"bind","source":"/srv/data","options":["rbind","ro"]},
         {"destination":"/run","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=700","size=65536k"]},
         {"destination":"/sys","type":"sysfs","source":"sysfs","options":["ro"]},
         {"destination":"/dev/mqueue","type":"mqueue","source":"mqueue"},
         {"destination":"/sys/fs/cgroup","type":"cgroup","source":"cgroup","options":["ro"]}],
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
        .anySatisfy(l -> assertThat(l).contains("mounts[/weird]: unsupported type '9p'"))
        .anySatisfy(l -> assertThat(l).startsWith("mounts[/dev]: tmpfs not mounted: the Sentry's own /dev"))
        .noneSatisfy(l -> assertThat(l).startsWith("mounts[/etc/hosts]")) // a read-write bind is applied as is
        .anySatisfy(l -> assertThat(l).startsWith("mounts[/run]: size=65536k not enforced"))
        .anySatisfy(l -> assertThat(l).startsWith("mounts[/dev/mqueue]: mqueue not mounted"))
        .anySatisfy(l -> assertThat(l).startsWith("mounts[/sys/fs/cgroup]: cgroup not mounted"))
        .noneSatisfy(l -> assertThat(l).contains("rlimits"))
        .noneSatisfy(l -> assertThat(l).startsWith("mounts[/proc]"))
        .anySatisfy(l -> assertThat(l).startsWith("linux.resources.cpu: not applied"));
    SpecCheck.validate(s.process, "config.json");
    assertThat(MountPlan.of(s).mounts()).containsExactly(
        new Mount("/etc/hosts", Mount.Type.BIND, Path.of("/var/lib/c/hosts"), false, 0),
        new Mount("/data", Mount.Type.BIND, Path.of("/srv/data"), true, 0),
        new Mount("/run", Mount.Type.TMPFS, null, false, 0700),
        new Mount("/sys", Mount.Type.SYSFS, null, true, 0));
    assertThat(Rlimits.fromSpec(s.process)).containsExactly(new ProcessSpec.Rlimit(7, 1024, 1024),
        new ProcessSpec.Rlimit(4, 0, -1));
    // The rest are the shim's own, as a runc container inherits runc's; the spec's win.
    assertThat(Rlimits.of(s.process)).contains(new ProcessSpec.Rlimit(7, 1024, 1024),
        new ProcessSpec.Rlimit(4, 0, -1)).anySatisfy(r -> assertThat(r.resource()).isEqualTo(3))
        .extracting(ProcessSpec.Rlimit::resource).doesNotHaveDuplicates();
  }

  @Test
  void badMountsAndRlimitsAreErrorsNotGuesses() throws Exception {
    Files.writeString(tmp.resolve("config.json"), """
        {"process":{"args":["sh"],"rlimits":[{"type":"RLIMIT_BOGUS","hard":1,"soft":1}]},
         "mounts":[{"destination":"/a/../../etc","type":"bind","source":"/x"}]}""");
    Spec s = Bundle.read(tmp).spec();
    assertThatThrownBy(() -> MountPlan.of(s)).hasMessageContaining("must not contain '..'");
    assertThatThrownBy(() -> SpecCheck.validate(s.process, "c")).hasMessageContaining("unknown type 'RLIMIT_BOGUS'");
    Files.writeString(tmp.resolve("config.json"), """
        {"process":{"args":["sh"],"rlimits":[{"type":"RLIMIT_NOFILE","hard":1,"soft":2}]},
         "mounts":[{"destination":"/b","type":"bind","source":"relative/path"}]}""");
    Spec t = Bundle.read(tmp).spec();
    assertThatThrownBy(() -> MountPlan.of(t)).hasMessageContaining("absolute host path");
    assertThatThrownBy(() -> Rlimits.fromSpec(t.process)).hasMessageContaining("soft limit above its hard limit");
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

  @Test
  void theDaemonsWarmUpSpecIsOneTheParserAccepts() {
    // The warm-up exists to build the deserializers early; a spec the model rejects would build none of them.
    org.assertj.core.api.Assertions.assertThatCode(Bundle::warmUp).doesNotThrowAnyException();
  }

  @Test
  void aPauseContainerKeepsOnlyItsAnnotationsButMalformedJsonIsStillRefused() throws Exception {
    Path pause = java.nio.file.Files.createDirectories(tmp.resolve("pause"));
    // A field of the wrong type elsewhere does not matter: nothing of the pause container's spec is used.
    java.nio.file.Files.writeString(pause.resolve("config.json"), "{\"process\":{\"args\":\"not-a-list\"},"
        + "\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\",\"io.kubernetes.cri.sandbox-id\":"
        + "\"pod-1\",\"n\":{\"nested\":1}},\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}");
    Bundle b = Bundle.read(pause);
    org.assertj.core.api.Assertions.assertThat(b.isPodSandbox()).isTrue();
    org.assertj.core.api.Assertions.assertThat(b.annotations()).containsEntry(Bundle.CRI_SANDBOX_ID, "pod-1")
        .doesNotContainKey("n");
    org.assertj.core.api.Assertions.assertThat(b.groupId("x")).isEqualTo("pod-1");
    org.assertj.core.api.Assertions.assertThat(b.spec().process.args).isEmpty();

    java.nio.file.Files.writeString(pause.resolve("config.json"),
        "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\"},\"process\":{");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Bundle.read(pause))
        .isInstanceOf(Bundle.BundleException.class).hasMessageContaining("not a valid OCI spec");
    java.nio.file.Files.writeString(pause.resolve("config.json"),
        "{\"annotations\":{\"io.kubernetes.cri.container-type\":\"sandbox\"}} {}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Bundle.read(pause))
        .isInstanceOf(Bundle.BundleException.class).hasMessageContaining("after the top-level object");
  }

  @Test
  void anAppContainersWrongTypesAreStillRefused() throws Exception {
    Path app = java.nio.file.Files.createDirectories(tmp.resolve("app"));
    java.nio.file.Files.writeString(app.resolve("config.json"), "{\"process\":{\"args\":\"not-a-list\"},"
        + "\"annotations\":{\"io.kubernetes.cri.container-type\":\"container\"}}");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Bundle.read(app))
        .isInstanceOf(Bundle.BundleException.class).hasMessageContaining("not a valid OCI spec");
  }
}
