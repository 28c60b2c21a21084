package dev.jvisor.cli;

import dev.jvisor.sentry.Mount;
import dev.jvisor.sentry.ProcessSpec;
import dev.jvisor.sentry.Sandbox;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.sentry.SandboxException;
import dev.jvisor.sentry.Stdio;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code jvisor do}: runs a host command in a sandbox over the host's root, read-only under an overlay. */
@Command(name = "do", description = "Run a command in a sandbox whose root is a host directory (default /), "
    + "read-only underneath an in-memory writable layer; --volume binds host directories in.")
final class DoCommand implements Callable<Integer> {
  @Option(names = "--root", description = "Host directory used as the sandbox root (default: ${DEFAULT-VALUE}).",
      defaultValue = "/")
  Path root;

  @Option(names = "--cwd", description = "Working directory inside the sandbox.")
  String cwd;

  @Option(names = "--env", description = "Extra environment variable K=V (repeatable).")
  List<String> env = new ArrayList<>();

  @Option(names = "--hostname", description = "Hostname inside the sandbox.", defaultValue = "jvisor")
  String hostname;

  @Option(names = "--memory", description = "Guest memory bound, e.g. 512M or 2G (default: ${DEFAULT-VALUE}).",
      defaultValue = "2G")
  String memory;

  @Option(names = "--max-tasks", description = "Most tasks (threads) alive at once; clone beyond it fails with "
      + "EAGAIN (default: ${DEFAULT-VALUE}).", defaultValue = "512")
  int maxTasks;

  @Option(names = "--vcpus", description = "Most vCPUs the sandbox creates (1-256, default 256); more tasks than "
      + "this share them, preempted every 10 ms while others wait.")
  Integer vcpus;

  @Option(names = {"-v", "--volume"}, paramLabel = "HOST:DEST[:ro]", description = "Bind a host directory or file "
      + "at DEST (repeatable). Read-write unless :ro; a read-write bind writes to HOST, and nothing below HOST "
      + "leads outside it.")
  List<String> volumes = new ArrayList<>();

  @Option(names = "--debug", description = "Log platform decisions and show stack traces.")
  boolean debug;

  @Option(names = "--strace", description = "Print every syscall with decoded arguments and result to stderr.")
  boolean strace;

  @Parameters(paramLabel = "CMD", arity = "1..*", description = "Command and arguments.")
  List<String> command;

  /** {@code HOST:DEST[:ro|:rw]} as a bind mount (docker's -v syntax; HOST may be relative to the caller's cwd). */
  static Mount volume(String spec) {
    String[] p = spec.split(":", -1);
    if (p.length < 2 || p.length > 3 || p[0].isEmpty() || !p[1].startsWith("/")
        || p.length == 3 && !p[2].equals("ro") && !p[2].equals("rw")) {
      throw new IllegalArgumentException("--volume wants HOST:DEST[:ro] with an absolute DEST, got '" + spec + "'");
    }
    return new Mount(p[1], Mount.Type.BIND, Path.of(p[0]).toAbsolutePath(), p.length == 3 && p[2].equals("ro"), 0);
  }

  /** The caller's environment in its original order (/proc/self/environ), so `env` prints the same inside. */
  private static List<String> callerEnvironment() {
    List<String> out = new ArrayList<>();
    try {
      byte[] raw = java.nio.file.Files.readAllBytes(Path.of("/proc/self/environ"));
      int start = 0;
      for (int i = 0; i < raw.length; i++) {
        if (raw[i] == 0) {
          if (i > start) {
            out.add(new String(raw, start, i - start, java.nio.charset.StandardCharsets.UTF_8));
          }
          start = i + 1;
        }
      }
    } catch (java.io.IOException e) {
      System.getenv().forEach((k, v) -> out.add(k + "=" + v));
    }
    return out;
  }

  @Override
  public Integer call() throws Exception {
    SandboxConfig config;
    List<Mount> mounts = new ArrayList<>();
    try {
      config = SandboxConfig.forRoot(root).withHostname(hostname).withMemory(Sizes.parse(memory))
          .withDebug(debug).withStrace(strace).withMaxTasks(maxTasks);
      for (String v : volumes) {
        mounts.add(volume(v));
      }
    } catch (IllegalArgumentException e) {
      System.err.println("jvisor: " + e.getMessage());
      return 2;
    }
    // Like `runsc do`: the command sees the caller's environment (plus --env overrides).
    List<String> environment = callerEnvironment();
    if (System.getenv("PATH") == null) {
      environment.add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    }
    for (String e : env) {
      if (!e.contains("=")) {
        System.err.println("jvisor: --env wants K=V, got '" + e + "'");
        return 2;
      }
      environment.add(e);
    }
    String dir = cwd != null ? cwd : (root.equals(Path.of("/")) ? System.getProperty("user.dir") : "/");
    if (vcpus != null) {
      if (vcpus < 1 || vcpus > 256) {
        System.err.println("jvisor: --vcpus wants 1 to 256, got " + vcpus);
        return 2;
      }
      System.setProperty("jvisor.vcpus", vcpus.toString()); // read by the platform when the sandbox is created
    }
    try (Sandbox sandbox = Sandbox.create(config)) {
      if (!mounts.isEmpty()) {
        sandbox.mount(null, mounts);
      }
      return sandbox.start(new ProcessSpec(command, environment, dir, 0, 0), Stdio.inherit()).waitFor();
    } catch (SandboxException e) {
      System.err.println("jvisor: " + e.getMessage());
      if (debug) {
        e.printStackTrace();
      }
      return e.exitCode();
    } catch (RuntimeException e) {
      System.err.println("jvisor: internal error: " + e);
      if (debug) {
        e.printStackTrace();
      }
      return 125;
    }
  }
}
