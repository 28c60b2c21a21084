package dev.jvisor.cri.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds OCI image-layout tars for {@code ctr images import} without a registry: one uncompressed layer holding
 * {@code /bin/busybox} (the static build from Debian's busybox-static) plus applet symlinks. The image name travels
 * in the index annotation {@code io.containerd.image.name}, which is what ctr uses to name the import.
 */
public final class OciImages {
  /** Where Debian's busybox-static puts its binary. */
  public static final Path BUSYBOX = Path.of("/bin/busybox");
  /** Applets the tests call, linked as /bin/NAME -> busybox. */
  static final List<String> APPLETS = List.of("sh", "sleep", "uname", "dmesg", "grep", "echo", "cat", "ls", "ps",
      "true", "false", "kill", "id", "hostname", "env", "head", "wc", "mkdir", "rm", "touch", "date", "top");
  static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  private static final ObjectMapper JSON = new ObjectMapper();

  private OciImages() {}

  /** A busybox image whose default command is {@code cmd} (e.g. {@code sh}). */
  public static Path busybox(Path workDir, String imageName, List<String> cmd) throws IOException {
    return build(workDir, imageName, List.of(), cmd);
  }

  /**
   * A pause image: busybox sleeping "forever" (runc runs it for real; the jvisor shim recognises the sandbox
   * container by its CRI annotation and runs nothing). The name must equal containerd's configured sandbox image.
   */
  public static Path pause(Path workDir, String imageName) throws IOException {
    return build(workDir, imageName, List.of("/bin/sleep", "2147483647"), List.of());
  }

  static Path build(Path workDir, String imageName, List<String> entrypoint, List<String> cmd) throws IOException {
    if (!Files.isExecutable(BUSYBOX)) {
      throw new IOException(BUSYBOX + " is missing: install the busybox-static package");
    }
    Path dir = Files.createTempDirectory(workDir, "image-");
    Path rootfs = Files.createDirectories(dir.resolve("rootfs"));
    Path bin = Files.createDirectories(rootfs.resolve("bin"));
    Files.copy(BUSYBOX, bin.resolve("busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(bin.resolve(applet), Path.of("busybox"));
    }
    for (String d : List.of("etc", "tmp", "proc", "sys", "dev", "root", "var/log")) {
      Files.createDirectories(rootfs.resolve(d));
    }
    Files.writeString(rootfs.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n");
    Files.writeString(rootfs.resolve("etc/group"), "root:x:0:\nnobody:x:65534:\n");

    Path layout = Files.createDirectories(dir.resolve("layout"));
    Path blobs = Files.createDirectories(layout.resolve("blobs/sha256"));
    Path layer = dir.resolve("layer.tar");
    Tar.create(rootfs, layer);
    String layerDigest = sha256(layer);
    long layerSize = Files.size(layer);
    Files.move(layer, blobs.resolve(layerDigest));

    ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
    ObjectNode runConfig = config.putObject("config");
    runConfig.putArray("Env").add(DEFAULT_PATH);
    if (!entrypoint.isEmpty()) {
      ArrayNode ep = runConfig.putArray("Entrypoint");
      entrypoint.forEach(ep::add);
    }
    if (!cmd.isEmpty()) {
      ArrayNode c = runConfig.putArray("Cmd");
      cmd.forEach(c::add);
    }
    runConfig.put("WorkingDir", "/");
    ObjectNode rootfsNode = config.putObject("rootfs").put("type", "layers");
    rootfsNode.putArray("diff_ids").add("sha256:" + layerDigest);
    Blob configBlob = writeBlob(blobs, config);

    ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2)
        .put("mediaType", "application/vnd.oci.image.manifest.v1+json");
    descriptor(manifest.putObject("config"), "application/vnd.oci.image.config.v1+json", configBlob);
    descriptor(manifest.putArray("layers").addObject(), "application/vnd.oci.image.layer.v1.tar",
        new Blob(layerDigest, layerSize));
    Blob manifestBlob = writeBlob(blobs, manifest);

    ObjectNode index = JSON.createObjectNode().put("schemaVersion", 2)
        .put("mediaType", "application/vnd.oci.image.index.v1+json");
    ObjectNode m = index.putArray("manifests").addObject();
    descriptor(m, "application/vnd.oci.image.manifest.v1+json", manifestBlob);
    m.putObject("platform").put("architecture", "amd64").put("os", "linux");
    m.putObject("annotations").put("io.containerd.image.name", imageName)
        .put("org.opencontainers.image.ref.name", imageName.substring(imageName.lastIndexOf(':') + 1));
    Files.write(layout.resolve("index.json"), JSON.writeValueAsBytes(index));
    Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");

    Path out = workDir.resolve(dir.getFileName() + ".tar");
    Tar.create(layout, out);
    Tar.deleteTree(dir);
    return out;
  }

  private record Blob(String digest, long size) {}

  private static void descriptor(ObjectNode node, String mediaType, Blob blob) {
    node.put("mediaType", mediaType).put("digest", "sha256:" + blob.digest()).put("size", blob.size());
  }

  private static Blob writeBlob(Path blobs, ObjectNode node) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(node);
    String digest = HexFormat.of().formatHex(sha256().digest(bytes));
    Files.write(blobs.resolve(digest), bytes);
    return new Blob(digest, bytes.length);
  }

  private static String sha256(Path file) throws IOException {
    MessageDigest md = sha256();
    try (InputStream in = Files.newInputStream(file)) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
