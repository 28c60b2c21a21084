package dev.jvisor.e2e.localnode;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jvisor.cri.v1.ExecSyncResponse;
import dev.jvisor.e2e.chart.RenderedChart;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.node.v1.RuntimeClass;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * {@code e2e/run-local.sh}: from a SandboxRuntime to a pod printing {@code Linux 4.4.0} and back to a clean node,
 * on this machine, with real parts (see the package doc). Prints one line per step and ends with
 * {@code e2e local-node: N passed, M failed}; the exit status is 1 when anything failed.
 */
public final class LocalNodeFlow {

  static final String NODE = "local-node";
  static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(3);
  static final Duration STATUS_TIMEOUT = Duration.ofSeconds(90);
  static final Duration UNINSTALL_TIMEOUT = Duration.ofMinutes(3);
  static final String SEED_RELEASE = "Linux 4.4.0";

  private final Settings settings;
  private final PrintStream out;
  private ControlPlane controlPlane;
  private LocalContainerd node;
  private NodeAgentProcess agent;
  private Kubelet kubelet;
  private String runtimeName;
  private RuntimeClass runtimeClass;
  private DaemonSet daemonSet;
  private byte[] configBefore;

  LocalNodeFlow(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public static void main(String[] args) {
    if (!Boolean.getBoolean("jvisor.e2e.verbose")) {
      quietLibraryLogs();
    }
    Steps steps = new Steps(System.out);
    new LocalNodeFlow(Settings.fromSystemProperties(), System.out).run(steps);
    System.out.println(steps.summary());
    System.exit(steps.failed() == 0 ? 0 : 1);
  }

  /** The mock server logs every request and the operator every event at INFO: keep the report readable. */
  static void quietLibraryLogs() {
    java.util.logging.Logger root = java.util.logging.LogManager.getLogManager().getLogger("");
    root.setLevel(java.util.logging.Level.WARNING);
    for (java.util.logging.Handler h : root.getHandlers()) {
      h.setLevel(java.util.logging.Level.WARNING);
    }
  }

  void run(Steps steps) {
    try {
      steps.run("preflight", settings::check);
      steps.run("operator", this::startControlPlane);
      steps.run("sandboxruntime", this::applySandboxRuntime);
      steps.run("containerd", this::startContainerd);
      steps.run("node-agent install", this::installWithAgent);
      steps.run("sandboxruntime ready", this::awaitReady);
      steps.run("pod", this::runPod);
      steps.check("uname", this::checkUname);
      steps.check("dmesg", this::checkDmesg);
      steps.check("dmesg | grep", this::checkDmesgPipe);
      steps.check("logs", this::checkLogs);
      steps.run("stop", this::stopPod);
      steps.run("uninstall", this::uninstall);
      steps.run("node clean", this::checkNodeClean);
    } finally {
      cleanUp();
    }
  }

  private String startControlPlane() {
    controlPlane = ControlPlane.start(settings.agentImage());
    controlPlane.registerNode(NODE);
    return "mock API server at " + controlPlane.url() + ", reconciler registered, node " + NODE;
  }

  /** The SandboxRuntime `helm install` creates with the chart's defaults, rendered by Helm itself. */
  private String applySandboxRuntime() throws Exception {
    JsonNode rendered = RenderedChart.renderDefaults().trees("SandboxRuntime").get(0);
    runtimeName = rendered.at("/metadata/name").asText();
    controlPlane.apply(rendered.toString());

    String className = rendered.at("/spec/runtimeClassName").asText();
    Check.await(INSTALL_TIMEOUT, "RuntimeClass " + className + " and the node-agent DaemonSet",
        () -> controlPlane.runtimeClass(className) != null
            && controlPlane.daemonSet("jvisor-node-agent-" + runtimeName) != null,
        () -> "Ready=" + controlPlane.readyCondition(runtimeName));
    runtimeClass = controlPlane.runtimeClass(className);
    daemonSet = controlPlane.daemonSet("jvisor-node-agent-" + runtimeName);
    Check.equal(rendered.at("/spec/handler").asText(), runtimeClass.getHandler(), "RuntimeClass handler");
    Check.equal("ready", runtimeClass.getScheduling().getNodeSelector().get("jvisor.dev/" + runtimeName),
        "RuntimeClass scheduling.nodeSelector jvisor.dev/" + runtimeName);
    String mounts = AgentMounts.checkLimited(daemonSet);
    return "RuntimeClass " + className + " -> handler " + runtimeClass.getHandler() + ", overhead "
        + runtimeClass.getOverhead().getPodFixed() + "; DaemonSet " + daemonSet.getMetadata().getName()
        + " host mounts " + mounts;
  }

  private String startContainerd() throws Exception {
    node = LocalContainerd.create();
    node.linkHostPaths();
    node.start();
    node.importImages();
    configBefore = Files.readAllBytes(node.path(LocalContainerd.CONFIG));
    Check.that(!node.servedHandlers().contains(runtimeClass.getHandler()),
        "containerd serves handler " + runtimeClass.getHandler() + " before the install");
    return "containerd " + node.ctr("version").lines().filter(l -> l.contains("Version")).findFirst()
        .orElse("?").strip() + " pid " + node.pid() + ", serves " + node.servedHandlers();
  }

  private String installWithAgent() throws Exception {
    String pidBefore = node.pid();
    agent = NodeAgentProcess.start(settings.agentJar(), settings.distribution(), daemonSet, node, NODE,
        controlPlane.url());
    Check.await(INSTALL_TIMEOUT, "the node-agent labelling " + NODE + " ready",
        () -> "ready".equals(controlPlane.nodeLabels(NODE).get("jvisor.dev/" + runtimeName)),
        () -> "agent " + (agent.alive() ? "running" : "exited") + "; log tail:\n" + agent.logTail());
    Check.that(node.servedHandlers().contains(runtimeClass.getHandler()),
        "containerd does not serve " + runtimeClass.getHandler() + " after the install");
    Check.that(!node.pid().equals(pidBefore), "containerd was not restarted");
    Check.that(!Arrays.equals(configBefore, Files.readAllBytes(node.path(LocalContainerd.CONFIG))),
        "containerd's config is unchanged after the install");
    return "containerd restarted (pid " + pidBefore + " -> " + node.pid() + "), serves " + node.servedHandlers()
        + ", node labelled jvisor.dev/" + runtimeName + "=ready";
  }

  private String awaitReady() throws Exception {
    Check.await(STATUS_TIMEOUT, "SandboxRuntime " + runtimeName + " Ready=True",
        () -> controlPlane.readyCondition(runtimeName).startsWith("True"),
        () -> controlPlane.readyCondition(runtimeName));
    return "Ready " + controlPlane.readyCondition(runtimeName);
  }

  private String runPod() throws Exception {
    kubelet = new Kubelet(node.cri(), node.root().resolve("pod-logs"));
    String pod = kubelet.runPod(runtimeClass.getHandler(), LocalContainerd.BUSYBOX_IMAGE);
    return "pod " + pod.substring(0, 12) + " with handler " + runtimeClass.getHandler() + ", container running";
  }

  private String checkUname() throws Exception {
    ExecSyncResponse r = kubelet.exec("uname", "-sr");
    Check.equal(0, r.getExitCode(), "uname -sr exit code (stderr: " + r.getStderr().toStringUtf8() + ")");
    String inside = Kubelet.stdout(r);
    String host = Proc.run(java.util.List.of("uname", "-sr"), Duration.ofSeconds(5)).output().strip();
    Check.equal(SEED_RELEASE, inside, "uname -sr inside the sandbox");
    Check.that(!host.equals(inside), "the host also says " + host + ": the sandbox is not separate");
    return "sandbox: " + inside + ", host: " + host;
  }

  /** The seed's check as `kubectl exec sandboxed -- dmesg` would do it: the boot log starts with our line. */
  private String checkDmesg() throws Exception {
    ExecSyncResponse r = kubelet.exec("dmesg");
    Check.equal(0, r.getExitCode(), "dmesg exit code (stderr: " + r.getStderr().toStringUtf8() + ")");
    String first = Kubelet.stdout(r).lines().findFirst().orElse("");
    Check.that(first.contains("Starting jvisor..."), "dmesg's first line: " + first);
    return first;
  }

  /** The exact check: a shell, a pipe and two processes inside the sandbox. */
  private String checkDmesgPipe() throws Exception {
    ExecSyncResponse r = kubelet.exec("sh", "-c", "dmesg | grep Starting");
    Check.equal(0, r.getExitCode(), "dmesg | grep Starting exit code (stderr: " + r.getStderr().toStringUtf8() + ")");
    String line = Kubelet.stdout(r);
    Check.that(line.contains("Starting jvisor..."), "dmesg boot line: " + line);
    return line;
  }

  private String checkLogs() throws Exception {
    Check.await(Duration.ofSeconds(20), "the container's hello line in its CRI log",
        () -> {
          try {
            return kubelet.containerLog().contains(Kubelet.HELLO);
          } catch (java.io.IOException e) {
            return false;
          }
        }, () -> {
          try {
            return "log: " + kubelet.containerLog();
          } catch (java.io.IOException e) {
            return e.toString();
          }
        });
    return kubelet.containerLog().lines().findFirst().orElse("").strip();
  }

  private String stopPod() throws Exception {
    kubelet.deletePod();
    Check.await(Duration.ofSeconds(30), "the pod's shim to exit", () -> node.shimPids().isEmpty(),
        () -> "shims left: " + node.shimPids());
    return "container stopped and removed, sandbox removed, no shim left";
  }

  private String uninstall() throws Exception {
    controlPlane.deleteSandboxRuntime(runtimeName);
    Check.await(UNINSTALL_TIMEOUT, "the operator finishing the uninstall (SandboxRuntime gone)",
        () -> controlPlane.sandboxRuntime(runtimeName) == null,
        () -> "Ready=" + controlPlane.readyCondition(runtimeName) + "; node annotations "
            + controlPlane.nodeAnnotations(NODE) + "; agent log tail:\n" + agent.logTail());
    Check.that(controlPlane.runtimeClass(runtimeClass.getMetadata().getName()) == null,
        "RuntimeClass " + runtimeClass.getMetadata().getName() + " still exists");
    Check.that(!controlPlane.nodeLabels(NODE).containsKey("jvisor.dev/" + runtimeName),
        "node still labelled jvisor.dev/" + runtimeName);
    return "SandboxRuntime, RuntimeClass and node label gone";
  }

  private String checkNodeClean() throws Exception {
    byte[] after = Files.readAllBytes(node.path(LocalContainerd.CONFIG));
    Check.that(Arrays.equals(configBefore, after), "containerd's config differs from before the install");
    Check.that(!node.servedHandlers().contains(runtimeClass.getHandler()),
        "containerd still serves " + runtimeClass.getHandler());
    Check.that(!Files.exists(node.path("/opt/jvisor")), "/opt/jvisor is still on the node");
    Check.that(!Files.exists(node.path("/usr/local/bin/containerd-shim-jvisor-v1"),
        java.nio.file.LinkOption.NOFOLLOW_LINKS), "the shim link is still in the node's /usr/local/bin");
    String refusal;
    try (Kubelet k = new Kubelet(node.cri(), node.root().resolve("pod-logs-2"))) {
      k.runPod(runtimeClass.getHandler(), LocalContainerd.BUSYBOX_IMAGE);
      throw new AssertionError("a pod asking for handler " + runtimeClass.getHandler() + " started after uninstall");
    } catch (RuntimeException e) {
      refusal = e.getMessage();
    }
    Check.that(refusal != null && refusal.contains(runtimeClass.getHandler()),
        "containerd's refusal does not name the handler: " + refusal);
    return "config byte-identical, handler gone; a pod asking for it gets: " + refusal;
  }

  private void cleanUp() {
    for (AutoCloseable c : new AutoCloseable[] {kubelet, agent, node, controlPlane}) {
      if (c != null) {
        try {
          c.close();
        } catch (Exception e) {
          out.println("local-node: cleanup of " + c.getClass().getSimpleName() + ": " + e);
        }
      }
    }
  }

  /** What the flow needs from the build, passed by run-local.sh as system properties. */
  record Settings(Path agentJar, Path distribution, String agentImage) {

    static Settings fromSystemProperties() {
      return new Settings(Path.of(System.getProperty("jvisor.agent.jar", "node-agent/target/jvisor-node-agent.jar")),
          Path.of(System.getProperty("jvisor.distribution.dir", "distribution/target/jvisor-0.1.0-SNAPSHOT")),
          System.getProperty("jvisor.agent.image", "jvisor-node-agent:0.1.0"));
    }

    String check() throws Exception {
      Check.that("root".equals(System.getProperty("user.name")),
          "the local node needs root (containerd, mounts); run as root");
      Path kvm = Path.of("/dev/kvm");
      Check.that(Files.isReadable(kvm) && Files.isWritable(kvm), "/dev/kvm is missing or not usable");
      for (String tool : new String[] {"/usr/bin/containerd", "/usr/bin/ctr", "/usr/sbin/runc", "/bin/busybox"}) {
        Check.that(Files.isExecutable(Path.of(tool)), tool + " is missing: apt-get install containerd runc "
            + "busybox-static");
      }
      Check.that(Files.isRegularFile(agentJar), "no node-agent jar at " + agentJar + ": build it first "
          + "(mvn -B -ntp -pl e2e -am package -DskipTests)");
      Check.that(Files.isRegularFile(distribution.resolve("SHA256SUMS")), "no distribution at " + distribution
          + ": build it first (mvn -B -ntp -pl e2e -am package -DskipTests)");
      Check.that(Files.isExecutable(distribution.resolve("bin/containerd-shim-jvisor-v1")),
          "the distribution has no bin/containerd-shim-jvisor-v1");
      return "root, /dev/kvm, containerd, runc, busybox; agent " + agentJar.getFileName() + ", distribution "
          + distribution.getFileName();
    }
  }
}
