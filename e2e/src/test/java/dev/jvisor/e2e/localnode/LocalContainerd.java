package dev.jvisor.e2e.localnode;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.testing.OciImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The node's containerd: Debian's containerd with its own default config (as {@code containerd config default}
 * prints it) inside a temporary host root, every path that would touch the real machine moved under that root.
 * Started, stopped and restarted by ctrd.sh, which is also the node-agent's restart command.
 *
 * <p>The agent writes host paths into containerd's config ({@code runtime_path = /opt/jvisor/current/bin/...},
 * {@code ConfigPath = /opt/jvisor/etc/jvisor.toml}), as seen from the node's root. On a real node those are the
 * host's own; here the host root is a directory, so /opt/jvisor is symlinked to it for the flow's duration (and only
 * if nothing is there).
 */
final class LocalContainerd implements AutoCloseable {

  static final String CONFIG = "/etc/containerd/config.toml";
  static final String PAUSE_IMAGE = "jvisor.dev/e2e/pause:1";
  static final String BUSYBOX_IMAGE = "jvisor.dev/e2e/busybox:1";
  static final String CRI_NAMESPACE = "k8s.io";
  static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(30);
  static final Duration CTR_TIMEOUT = Duration.ofSeconds(120);
  /** Where the agent's containerd config points (runtime_path, ConfigPath): all under /opt/jvisor. */
  static final List<String> LINKED = List.of("/opt/jvisor");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final Path script;
  private final List<Path> links = new ArrayList<>();

  private LocalContainerd(Path root, Path script) {
    this.root = root;
    this.script = script;
  }

  static LocalContainerd create() throws IOException {
    Path root = Files.createTempDirectory(Path.of("/tmp"), "jve2e-");
    Path script = root.resolve("ctrd.sh");
    try (InputStream in = LocalContainerd.class.getResourceAsStream("/localnode/ctrd.sh")) {
      Files.write(script, in.readAllBytes());
    }
    LocalContainerd node = new LocalContainerd(root, script);
    Files.createDirectories(node.path("/etc/containerd"));
    // A node's own /usr/local/bin (the agent links the shim there; the DaemonSet mounts it).
    Files.createDirectories(node.path("/usr/local/bin"));
    Files.writeString(node.path(CONFIG), node.privateConfig(Proc.run(List.of("containerd", "config", "default"),
        SCRIPT_TIMEOUT).requireOk("containerd config default")));
    return node;
  }

  /** Debian's default with the root, state, socket, plugin dir, CNI dirs and sandbox image made private. */
  String privateConfig(String config) {
    return config
        .replace("disabled_plugins = []", "disabled_plugins = [\"io.containerd.snapshotter.v1.btrfs\", "
            + "\"io.containerd.snapshotter.v1.zfs\", \"io.containerd.snapshotter.v1.aufs\", "
            + "\"io.containerd.snapshotter.v1.devmapper\"]")
        .replace("root = \"/var/lib/containerd\"", "root = \"" + path("/var/lib/containerd") + "\"")
        .replace("state = \"/run/containerd\"", "state = \"" + path("/run/containerd") + "\"")
        .replace("address = \"/run/containerd/containerd.sock\"", "address = \"" + socket() + "\"")
        .replace("path = \"/opt/containerd\"", "path = \"" + path("/opt/containerd") + "\"")
        .replace("bin_dir = \"/opt/cni/bin\"", "bin_dir = \"" + path("/opt/cni/bin") + "\"")
        .replace("conf_dir = \"/etc/cni/net.d\"", "conf_dir = \"" + path("/etc/cni/net.d") + "\"")
        .replace("sandbox_image = \"registry.k8s.io/pause:3.6\"", "sandbox_image = \"" + PAUSE_IMAGE + "\"")
        // Build machines may lack CAP_SYS_RESOURCE for a lower oom_score_adj than containerd's own.
        .replace("restrict_oom_score_adj = false", "restrict_oom_score_adj = true");
  }

  Path root() {
    return root;
  }

  Path script() {
    return script;
  }

  /** A host path inside the temporary host root. */
  Path path(String hostPath) {
    return root.resolve(hostPath.substring(1));
  }

  Path socket() {
    return path("/run/containerd/containerd.sock");
  }

  void linkHostPaths() throws IOException {
    for (String linked : LINKED) {
      Path link = Path.of(linked);
      if (Files.isSymbolicLink(link) && Files.readSymbolicLink(link).toString().startsWith("/tmp/jve2e-")) {
        // Left by an earlier run of this flow that was killed before its clean-up (one flow runs at a time).
        System.out.println("local-node: removing " + link + " -> " + Files.readSymbolicLink(link)
            + " left by an earlier run");
        Files.delete(link);
      }
      if (Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        throw new IOException(linked + " already exists on this machine; the local-node flow will not touch it "
            + "(is jvisor installed here for real?)");
      }
      Files.createSymbolicLink(link, path(linked));
      links.add(link);
    }
  }

  void start() throws IOException, InterruptedException {
    script("start");
    awaitCri();
  }

  String pid() throws IOException {
    return Files.readString(root.resolve("containerd.pid")).strip();
  }

  void importImages() throws IOException {
    Path images = Files.createDirectories(root.resolve("images"));
    ctr("images", "import", OciImages.busybox(images, BUSYBOX_IMAGE, List.of("sh")).toString());
    ctr("images", "import", OciImages.pause(images, PAUSE_IMAGE).toString());
  }

  String ctr(String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("ctr", "--address", socket().toString(), "--namespace",
        CRI_NAMESPACE));
    cmd.addAll(List.of(args));
    return Proc.run(cmd, CTR_TIMEOUT).requireOk("ctr " + String.join(" ", args));
  }

  CriClient cri() {
    return CriClient.connect(socket(), Duration.ofSeconds(60));
  }

  /** Handlers in containerd's effective CRI config: what it loaded, not what the file says. */
  Set<String> servedHandlers() throws IOException {
    try (CriClient cri = CriClient.connect(socket(), Duration.ofSeconds(5))) {
      String config = cri.status(true).getInfoMap().get("config");
      Set<String> names = new TreeSet<>();
      JSON.readTree(config).path("containerd").path("runtimes").fieldNames().forEachRemaining(names::add);
      return names;
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(root.resolve("containerd.log"), StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(no containerd.log: " + e.getMessage() + ")";
    }
  }

  private void awaitCri() throws InterruptedException {
    Check.await(READY_TIMEOUT, "containerd answering CRI on " + socket(), () -> {
      try (CriClient cri = CriClient.connect(socket(), Duration.ofSeconds(2))) {
        cri.version();
        return true;
      }
    }, this::logTail);
  }

  private void script(String action) throws IOException {
    Proc.run(List.of("sh", script.toString(), root.toString(), action), SCRIPT_TIMEOUT)
        .requireOk("ctrd.sh " + action);
  }

  /** Shim processes serving this containerd: their command line names its socket. */
  List<Long> shimPids() {
    String address = socket().toString();
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("containerd-shim") && c.contains(address))
            .orElse(false))
        .map(ProcessHandle::pid).toList();
  }

  /** Stops containerd (shims it left are killed by their socket address), unmounts and deletes the host root. */
  @Override
  public void close() throws IOException {
    try {
      script("stop");
      shimPids().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      Proc.run(List.of("sh", "-c", "grep -o ' " + root + "[^ ]*' /proc/self/mounts | sort -r | "
          + "xargs -r -n1 umount -l"), SCRIPT_TIMEOUT);
    } finally {
      for (Path link : links) {
        Files.deleteIfExists(link);
      }
      if (!Boolean.getBoolean("jvisor.e2e.keep")) {
        try (Stream<Path> paths = Files.walk(root)) {
          for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
            Files.deleteIfExists(p);
          }
        }
      }
    }
  }
}
