package dev.jvisor.nodeagent.lifecycle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.nodeagent.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.tomlj.MutableTomlTable;

/**
 * The shim's options file (runtimeoptions.v1 ConfigPath, TOML read by the shim's ShimConfig) made from the
 * operator's {@code sandbox.json} (spec.sandbox of the SandboxRuntime, mounted from a ConfigMap):
 * {@code {"debug":false,"handler":"jvisor","kernelRelease":"4.4.0","memoryOverhead":"64Mi","strace":false}}.
 * Without that file the shim's defaults apply and the file only carries the header.
 */
public final class RuntimeOptions {
  static final String HEADER = "# jvisor runtime options (runtimeoptions.v1 ConfigPath), written by the jvisor "
      + "node-agent from the SandboxRuntime's spec.sandbox.\n";
  private static final ObjectMapper JSON = new ObjectMapper();

  private RuntimeOptions() {}

  /** TOML text for the shim; {@code sandboxJson} may be null (defaults). */
  public static String toml(Path sandboxJson) {
    if (sandboxJson == null || !Files.exists(sandboxJson)) {
      return HEADER;
    }
    JsonNode options;
    try {
      options = JSON.readTree(sandboxJson.toFile());
    } catch (IOException e) {
      throw new AgentException(sandboxJson + " is not valid JSON (" + e.getMessage() + ")", e);
    }
    MutableTomlTable toml = MutableTomlTable.create();
    if (options.hasNonNull("debug")) {
      toml.set(List.of("debug"), options.get("debug").asBoolean());
    }
    if (options.hasNonNull("strace")) {
      toml.set(List.of("strace"), options.get("strace").asBoolean());
    }
    if (options.hasNonNull("kernelRelease")) {
      toml.set(List.of("kernel_release"), options.get("kernelRelease").asText());
    }
    if (options.hasNonNull("memoryOverhead")) {
      toml.set(List.of("memory_overhead"), bytes(options.get("memoryOverhead").asText(), sandboxJson));
    }
    return HEADER + toml.toToml();
  }

  /** A Kubernetes quantity ("64Mi", "1G", "512000") as bytes, which the shim accepts without unit rules. */
  static long bytes(String quantity, Path source) {
    String q = quantity.strip();
    long multiplier = 1;
    String[][] units = {{"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
        {"k", "1000"}, {"K", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"}};
    for (String[] unit : units) {
      if (q.endsWith(unit[0])) {
        multiplier = Long.parseLong(unit[1]);
        q = q.substring(0, q.length() - unit[0].length());
        break;
      }
    }
    try {
      long value = Long.parseLong(q);
      if (value < 0) {
        throw new NumberFormatException("negative");
      }
      return Math.multiplyExact(value, multiplier);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new AgentException(source + ": memoryOverhead '" + quantity.toLowerCase(Locale.ROOT).strip()
          + "' is not a quantity like 64Mi or 1G");
    }
  }
}
