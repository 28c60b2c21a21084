package dev.jvisor.e2e.images;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jvisor.e2e.chart.RenderedChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The image tars {@code mvn package} writes to target/jib hold what the chart and the node-agent expect: the tags the
 * chart's defaults name, entrypoints that exist and are executable, the operator's non-root user and port, and in the
 * node-agent image the whole distribution (every file of its SHA256SUMS, exec bits kept) at the agent's default
 * {@code --artifacts} path.
 */
class ImagesIT {

  private static Path imagesDir;
  private static ImageTar operator;
  private static ImageTar nodeAgent;

  @BeforeAll
  static void readTars() throws IOException {
    imagesDir = Path.of(System.getProperty("jvisor.images.dir", "target/jib"));
    operator = ImageTar.read(imagesDir.resolve("jvisor-operator.tar"));
    nodeAgent = ImageTar.read(imagesDir.resolve("jvisor-node-agent.tar"));
  }

  @Test
  void imagesAreTaggedWithTheChartsAppVersionSoTheChartDefaultsFindThem() {
    String tag = RenderedChart.appVersion();
    assertThat(operator.repoTags()).containsExactly("jvisor-operator:" + tag);
    assertThat(nodeAgent.repoTags()).containsExactly("jvisor-node-agent:" + tag);
  }

  @Test
  void operatorImageRunsTheQuarkusFastJarAsNonRootOnTheChartsPort() {
    assertThat(operator.entrypoint()).startsWith("/opt/java/bin/java").endsWith("-jar", "/deployments/quarkus-run.jar");
    assertExecutable(operator, "/opt/java/bin/java");
    assertExecutable(operator, "/lib64/ld-linux-x86-64.so.2");
    assertThat(operator.file("/deployments/quarkus-run.jar")).as("Quarkus fast-jar launcher").isNotNull();
    assertThat(operator.files().keySet()).as("Quarkus fast-jar libraries").anyMatch(p -> p.startsWith("/deployments/lib/"));
    // Numeric, so the kubelet can check the chart's runAsNonRoot without an /etc/passwd lookup.
    assertThat(operator.containerConfig().path("User").asText()).isEqualTo("65532:65532");
    assertThat(operator.containerConfig().path("ExposedPorts").has("8080/tcp")).isTrue();
    assertThat(operator.file("/tmp")).as("/tmp for a run without the chart's emptyDir").isNotNull();
  }

  @Test
  void nodeAgentImageRunsTheAgentInDaemonSetModeWithChrootForTheHostsSystemctl() {
    assertThat(nodeAgent.entrypoint()).startsWith("/opt/java/bin/java")
        .endsWith("-jar", "/opt/jvisor-node-agent/jvisor-node-agent.jar");
    assertThat(nodeAgent.containerConfig().path("Cmd").get(0).asText()).isEqualTo("run");
    assertExecutable(nodeAgent, "/opt/java/bin/java");
    assertExecutable(nodeAgent, "/usr/sbin/chroot");
    assertThat(nodeAgent.file("/opt/jvisor-node-agent/jvisor-node-agent.jar")).isNotNull();
    assertThat(nodeAgent.files().keySet()).anyMatch(p -> p.startsWith("/opt/jvisor-node-agent/lib/"));
    assertThat(nodeAgent.containerConfig().path("Env").toString()).contains("JVISOR_ARTIFACTS=/opt/jvisor-dist");
  }

  @Test
  void nodeAgentImageCarriesTheWholeDistributionWithItsExecBits() throws IOException {
    Path dist = Path.of(System.getProperty("jvisor.distribution.dir"));
    List<String> sums = Files.readAllLines(dist.resolve("SHA256SUMS"));
    assertThat(sums).isNotEmpty();
    for (String line : sums) {
      String relative = line.substring(line.indexOf("  ") + 2);
      Path source = dist.resolve(relative);
      ImageTar.Entry entry = nodeAgent.file("/opt/jvisor-dist/" + relative);
      assertThat(entry).as("/opt/jvisor-dist/%s in the node-agent image", relative).isNotNull();
      assertThat(entry.size()).as("size of %s", relative).isEqualTo(Files.size(source));
      assertThat(entry.executable()).as("exec bit of %s", relative).isEqualTo(Files.isExecutable(source));
    }
    for (String required : List.of("bin/containerd-shim-jvisor-v1", "bin/jvisor", "runtime/bin/java", "VERSION",
        "SHA256SUMS")) {
      assertThat(nodeAgent.file("/opt/jvisor-dist/" + required)).as(required).isNotNull();
    }
    assertExecutable(nodeAgent, "/opt/jvisor-dist/bin/containerd-shim-jvisor-v1");
    assertExecutable(nodeAgent, "/opt/jvisor-dist/runtime/bin/java");
  }

  @Test
  void everyLibraryTheImagesJavaNeedsIsInTheImage() throws IOException {
    // The base is `scratch`: glibc and the loader come only from stage-rootfs.sh. The unpacked image must run java.
    Path root = Files.createTempDirectory("jvisor-image-");
    try {
      nodeAgent.unpackTo(root);
      ProcessResult version = ChrootRun.run(root, List.of("/opt/java/bin/java", "-version"));
      assertThat(version.exitCode()).as(version.output()).isZero();
      assertThat(version.output()).contains("version \"");
      ProcessResult help = ChrootRun.run(root,
          List.of("/opt/java/bin/java", "-jar", "/opt/jvisor-node-agent/jvisor-node-agent.jar", "--help"));
      assertThat(help.output()).as("the node-agent's usage from inside its image").contains("install", "uninstall");
      assertThat(help.output()).doesNotContain("NoClassDefFoundError", "UnsatisfiedLinkError", "ClassNotFound");
    } finally {
      deleteTree(root);
    }
  }

  @Test
  void theOperatorStartsFromItsOwnImageAndSaysClearlyThatNoApiServerAnswers() throws IOException {
    // Quarkus, Vert.x, Netty and fabric8 load with the image's jlink'ed runtime (no missing module or library),
    // and the operator's start gate ends the run with one clear line instead of retrying silently.
    Path root = Files.createTempDirectory("jvisor-image-");
    try {
      operator.unpackTo(root);
      List<String> command = new java.util.ArrayList<>(operator.entrypoint());
      ProcessResult run = ChrootRun.run(root, command, java.util.Map.of(
          "KUBERNETES_MASTER", "https://127.0.0.1:1", "QUARKUS_HTTP_PORT", "0",
          "JVISOR_OPERATOR_STARTUP_CHECK_TIMEOUT", "2s"));
      assertThat(run.output()).as("operator output").contains("powered by Quarkus")
          .contains("Kubernetes API server")
          .doesNotContain("NoClassDefFoundError", "UnsatisfiedLinkError", "ClassNotFoundException",
              "module not found");
      assertThat(run.exitCode()).as("exit status without an API server").isNotZero();
    } finally {
      deleteTree(root);
    }
  }

  private static void assertExecutable(ImageTar image, String path) {
    ImageTar.Entry entry = image.file(path);
    assertThat(entry).as("%s in %s", path, image.repoTags()).isNotNull();
    assertThat(entry.executable()).as("%s is executable (mode %o)", path, entry.mode()).isTrue();
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
