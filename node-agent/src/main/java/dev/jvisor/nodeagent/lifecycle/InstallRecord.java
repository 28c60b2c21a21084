package dev.jvisor.nodeagent.lifecycle;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.jvisor.nodeagent.AgentException;
import dev.jvisor.nodeagent.containerd.ConfigMode;
import dev.jvisor.nodeagent.host.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What install changed for one handler, kept at {@code <host-root>/opt/jvisor/state/<handler>.json} so uninstall
 * (possibly by a newer agent, after a node reboot) reverses exactly that. One record per handler: SandboxRuntimes
 * with different handlers may share a node. All paths are host paths.
 *
 * @param owner the SandboxRuntime that installed it ({@code standalone} without Kubernetes)
 * @param version installed runtime version ({@code /opt/jvisor/<version>})
 * @param handler the runtime handler in containerd's config
 * @param distribution containerd, k3s, rke2 or k0s
 * @param mode how the config was changed
 * @param configVersion schema version of the file holding our runtime table
 * @param mainFile main config or template we edited or created (null for a drop-in directory)
 * @param backupFile byte-exact copy of mainFile before our first edit (MAIN_FILE, DROP_IN_IMPORT), or null
 * @param writtenSha256 SHA-256 of mainFile as we last wrote it: unchanged since means the backup is restorable
 * @param dropInFile our drop-in file, or null
 * @param importEntry our entry in {@code imports}, or null
 * @param importsKeyCreated whether we created the {@code imports} key (and remove it again)
 * @param removedHandlers stale handlers of ours removed by the last install (for the log)
 * @param shimLink the shim link on containerd's PATH we created, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record InstallRecord(String owner, String version, String handler, String distribution, ConfigMode mode,
    int configVersion, String mainFile, String backupFile, String writtenSha256, String dropInFile,
    String importEntry, boolean importsKeyCreated, List<String> removedHandlers, String shimLink) {

  /** The same record with the shim link set. */
  public InstallRecord withShimLink(String link) {
    return new InstallRecord(owner, version, handler, distribution, mode, configVersion, mainFile, backupFile,
        writtenSha256, dropInFile, importEntry, importsKeyCreated, removedHandlers, link);
  }


  /** Host directory of the records. */
  public static final String STATE_DIR = "/opt/jvisor/state";

  /** Host path of a handler's record. */
  public static String path(String handler) {
    return STATE_DIR + "/" + handler + ".json";
  }

  /** Every record in {@code stateDir} (agent path), in file name order. */
  public static List<InstallRecord> readAll(Path stateDir) {
    if (!Files.isDirectory(stateDir)) {
      return List.of();
    }
    try (var files = Files.list(stateDir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".json")).sorted()
          .map(InstallRecord::read).toList();
    } catch (IOException e) {
      throw new AgentException("cannot list " + stateDir + ": " + e, e);
    }
  }
  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  public static InstallRecord read(Path file) {
    if (!Files.exists(file)) {
      return null;
    }
    try {
      return JSON.readValue(file.toFile(), InstallRecord.class);
    } catch (IOException e) {
      throw new AgentException(file + " is unreadable (" + e.getMessage() + "); see docs/node-agent.md, "
          + "'Recovering a node by hand'", e);
    }
  }

  public void write(Path file) {
    try {
      AtomicFiles.write(file, JSON.writeValueAsBytes(this));
    } catch (IOException e) {
      throw new AgentException("cannot serialize install record: " + e, e);
    }
  }
}
