package dev.jvisor.shim.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jvisor.shim.oci.Bundle.BundleException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SpecReaderTest {
  static Spec read(String json) throws BundleException {
    return Bundle.parse(json.getBytes(StandardCharsets.UTF_8), "config.json");
  }

  @Test
  void everyModelledPartIsRead() throws Exception {
    Spec s = read("""
        {"ociVersion":"1.0.2","hostname":"h","process":{"terminal":true,"consoleSize":{"height":24,"width":80},
        "user":{"uid":1000,"gid":100,"umask":18,"additionalGids":[4,27],"username":"u"},"args":["sh","-c","x"],
        "env":["A=b"],"cwd":"/w","rlimits":[{"type":"RLIMIT_NOFILE","hard":18446744073709551615,"soft":1024}],
        "capabilities":{"bounding":["CAP_KILL"]},"noNewPrivileges":true,"oomScoreAdj":-998},
        "root":{"path":"rootfs","readonly":true},
        "mounts":[{"destination":"/tmp","type":"tmpfs","source":"tmpfs","options":["nosuid","mode=1777"]}],
        "annotations":{"io.kubernetes.cri.sandbox-id":"p"},
        "linux":{"namespaces":[{"type":"pid","path":"/proc/1/ns/pid"}],"cgroupsPath":"/k",
        "resources":{"memory":{"limit":67108864,"swap":-1},"pids":{"limit":42},"cpu":{"shares":2}},
        "sysctl":{"net.ipv4.ip_forward":"1"},"maskedPaths":["/proc/kcore"]}}
        """);
    assertThat(s.hostname).isEqualTo("h");
    assertThat(s.process.terminal).isTrue();
    assertThat(s.process.consoleSize.width).isEqualTo(80);
    assertThat(s.process.user.uid).isEqualTo(1000);
    assertThat(s.process.user.umask).isEqualTo(18);
    assertThat(s.process.user.additionalGids).containsExactly(4L, 27L);
    assertThat(s.process.args).containsExactly("sh", "-c", "x");
    assertThat(s.process.rlimits.get(0).hard).isEqualTo(new BigInteger("18446744073709551615"));
    assertThat(s.process.capabilities.path("bounding").get(0).asText()).isEqualTo("CAP_KILL");
    assertThat(s.process.oomScoreAdj).isEqualTo(-998);
    assertThat(s.root.readonly).isTrue();
    assertThat(s.mounts.get(0).options).containsExactly("nosuid", "mode=1777");
    assertThat(s.annotations).containsEntry("io.kubernetes.cri.sandbox-id", "p");
    assertThat(s.linux.namespaces.get(0).path).isEqualTo("/proc/1/ns/pid");
    assertThat(s.linux.resources.memory.limit).isEqualTo(64L << 20);
    assertThat(s.linux.resources.memory.swap).isEqualTo(-1L);
    assertThat(SpecCheck.maxTasks(s.linux.resources)).isEqualTo(42);
    assertThat(s.linux.sysctl).containsEntry("net.ipv4.ip_forward", "1");
    assertThat(s.linux.maskedPaths).containsExactly("/proc/kcore");
  }

  @Test
  void fieldsTheModelLacksAreKeptToBeReported() throws Exception {
    Spec s = read("{\"process\":{\"args\":[\"true\"],\"ioPriority\":{\"class\":\"IOPRIO_CLASS_IDLE\"}},"
        + "\"vm\":{\"hypervisor\":{}},\"linux\":{\"timeOffsets\":{}}}");
    assertThat(s.unknownFields()).containsOnlyKeys("vm");
    assertThat(s.process.unknownFields()).containsOnlyKeys("ioPriority");
    assertThat(s.linux.unknownFields()).containsOnlyKeys("timeOffsets");
    assertThat(SpecCheck.notApplied(s)).anyMatch(l -> l.contains("ioPriority")).anyMatch(l -> l.contains("vm"));
  }

  @Test
  void aWrongTypeIsRefusedWithItsPath() {
    assertThatThrownBy(() -> read("{\"process\":{\"args\":\"true\"}}")).isInstanceOf(BundleException.class)
        .hasMessageContaining("not a valid OCI spec").hasMessageContaining("process.args: expected an array");
    assertThatThrownBy(() -> read("{\"process\":{\"args\":[\"a\",1]}}"))
        .hasMessageContaining("process.args[1]: expected a string");
    assertThatThrownBy(() -> read("{\"process\":{\"user\":{\"uid\":\"0\"}}}"))
        .hasMessageContaining("process.user.uid: expected an integer");
    assertThatThrownBy(() -> read("{\"process\":{\"user\":{\"uid\":null}}}"))
        .hasMessageContaining("process.user.uid: null");
    assertThatThrownBy(() -> read("{\"linux\":{\"resources\":{\"memory\":{\"limit\":1e3}}}}"))
        .hasMessageContaining("linux.resources.memory.limit: expected an integer");
    assertThatThrownBy(() -> read("{\"annotations\":{\"a\":1}}")).hasMessageContaining("annotations.a");
    assertThatThrownBy(() -> read("[]")).hasMessageContaining("expected an object");
  }

  @Test
  void hostileNestingAndTrailingDataAreRefused() {
    String deep = "{\"hooks\":" + "[".repeat(200) + "]".repeat(200) + "}";
    assertThatThrownBy(() -> read(deep)).hasMessageContaining("nested deeper");
    assertThatThrownBy(() -> read("{} {}")).hasMessageContaining("after the top-level value");
    assertThatThrownBy(() -> read("{\"process\":")).hasMessageContaining("not a valid OCI spec");
  }

  @Test
  void anExecsProcessAndAnUpdatesResourcesUseTheSameReader() throws Exception {
    assertThat(Bundle.parseProcess("{\"args\":[\"ls\"],\"cwd\":\"/\"}".getBytes()).args).containsExactly("ls");
    assertThat(Bundle.parseResources("{\"memory\":{\"limit\":1024}}".getBytes()).memory.limit).isEqualTo(1024L);
    assertThatThrownBy(() -> Bundle.parseProcess("{\"args\":{}}".getBytes()))
        .hasMessageContaining("exec process spec").hasMessageContaining("args: expected an array");
    assertThatThrownBy(() -> Bundle.parseResources("null".getBytes())).hasMessageContaining("empty");
  }
}
