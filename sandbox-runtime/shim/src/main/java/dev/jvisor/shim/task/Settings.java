package dev.jvisor.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.jvisor.sentry.SandboxConfig;
import dev.jvisor.shim.config.ShimConfig;
import dev.jvisor.shim.oci.Bundle;
import dev.jvisor.shim.oci.Spec;
import dev.jvisor.shim.oci.SpecCheck;
import dev.jvisor.shim.proto.runtimeoptions.Options;
import dev.jvisor.shim.ttrpc.TtrpcException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.logging.Logger;

/** This shim's jvisor options (from CRI's runtime options, once) and how they turn a bundle into a SandboxConfig. */
final class Settings {
  private static final Logger LOG = Logger.getLogger(Settings.class.getName());
  private final PrintStream sentryLog;
  private volatile ShimConfig config = ShimConfig.defaults();
  private volatile boolean configured;
  private volatile Consumer<ShimConfig> onConfigured = c -> { };

  Settings(PrintStream sentryLog) {
    this.sentryLog = sentryLog;
  }

  ShimConfig config() {
    return config;
  }

  void onConfigured(Consumer<ShimConfig> hook) {
    onConfigured = hook;
  }

  SandboxConfig sandboxConfig(Bundle bundle, Path root) {
    Spec spec = bundle.spec();
    ShimConfig c = config;
    boolean readonlyRoot = spec.root != null && Boolean.TRUE.equals(spec.root.readonly);
    if (readonlyRoot) {
      LOG.info("root.readonly: the root stays unchanged on the host; writes go to an in-memory layer");
    }
    return new SandboxConfig(root, readonlyRoot, spec.hostname,
        SpecCheck.memoryBytes(spec, c.memoryOverhead(), c.defaultMemory()), c.kernelRelease(), c.debug(),
        c.strace(), SpecCheck.maxTasks(spec.linux == null ? null : spec.linux.resources), sentryLog);
  }

  /** runtimeoptions.v1.Options from CRI: the first Create that carries them configures this shim. */
  void apply(Any options) {
    if (configured || options.getValue().isEmpty()) {
      return;
    }
    try {
      Options o = Options.parseFrom(options.getValue());
      ShimConfig c = ShimConfig.defaults();
      if (!o.getConfigPath().isEmpty()) {
        c = ShimConfig.load(Path.of(o.getConfigPath()));
      } else if (!o.getConfigBody().isEmpty()) {
        c = ShimConfig.parse(o.getConfigBody(), "runtime options body");
      }
      c.warnings().forEach(LOG::warning);
      config = c;
      configured = true;
      onConfigured.accept(c);
    } catch (InvalidProtocolBufferException e) {
      throw TtrpcException.invalid("runtime options are not runtimeoptions.v1.Options: " + e.getMessage());
    } catch (IOException e) {
      throw TtrpcException.invalid("runtime options: " + e.getMessage());
    }
  }
}
