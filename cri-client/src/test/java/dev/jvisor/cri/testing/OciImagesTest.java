package dev.jvisor.cri.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciImagesTest {
  @TempDir Path tmp;

  @Test
  void buildsAnOciLayoutWhoseDigestsMatchAndWhoseNameIsAnnotated() throws Exception {
    assumeTrue(Files.isExecutable(OciImages.BUSYBOX), "busybox-static is not installed");
    Path tar = OciImages.busybox(tmp, "example.dev/busybox:t", List.of("sh"));
    Path out = Files.createDirectories(tmp.resolve("x"));
    Tar.run(List.of("tar", "-C", out.toString(), "-xf", tar.toString()));
    ObjectMapper json = new ObjectMapper();
    JsonNode index = json.readTree(out.resolve("index.json").toFile());
    JsonNode m = index.get("manifests").get(0);
    assertThat(m.get("annotations").get("io.containerd.image.name").asText()).isEqualTo("example.dev/busybox:t");
    Path manifest = blob(out, m.get("digest").asText());
    assertThat(Files.size(manifest)).isEqualTo(m.get("size").asLong());
    JsonNode man = json.readTree(manifest.toFile());
    JsonNode layer = man.get("layers").get(0);
    Path layerFile = blob(out, layer.get("digest").asText());
    JsonNode config = json.readTree(blob(out, man.get("config").get("digest").asText()).toFile());
    assertThat(config.get("rootfs").get("diff_ids").get(0).asText()).isEqualTo(layer.get("digest").asText());
    assertThat(config.get("config").get("Cmd").get(0).asText()).isEqualTo("sh");

    Path rootfs = Files.createDirectories(tmp.resolve("rootfs"));
    Tar.run(List.of("tar", "-C", rootfs.toString(), "-xf", layerFile.toString()));
    assertThat(rootfs.resolve("bin/busybox")).isExecutable();
    assertThat(Files.readSymbolicLink(rootfs.resolve("bin/sh"))).isEqualTo(Path.of("busybox"));
  }

  private static Path blob(Path layout, String digest) throws Exception {
    Path p = layout.resolve("blobs/sha256/" + digest.substring("sha256:".length()));
    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
    assertThat("sha256:" + actual).isEqualTo(digest);
    return p;
  }

  @Test
  void containerdConfigNamesBothHandlersAndAPrivateStreamPort() {
    String toml = PrivateContainerd.configToml(Path.of("/tmp/d"), Path.of("/tmp/d/c.sock"),
        Path.of("/opt/shim"), Path.of("/etc/jv.toml"));
    assertThat(toml).contains("version = 2", "address = \"/tmp/d/c.sock\"", "stream_server_port = \"0\"",
        "runtimes.runc]", "runtime_type = \"io.containerd.jvisor.v1\"", "runtime_path = \"/opt/shim\"",
        "ConfigPath = \"/etc/jv.toml\"", "sandbox_image = \"" + PrivateContainerd.PAUSE_IMAGE + "\"");
  }
}
