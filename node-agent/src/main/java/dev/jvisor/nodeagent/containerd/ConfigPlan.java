package dev.jvisor.nodeagent.containerd;

import java.nio.file.Path;

/**
 * What to edit for one install.
 *
 * @param mode how the runtime gets into the config
 * @param version the schema of the file that receives the runtime table
 * @param mainFile the main config or template (agent path); for {@link ConfigMode#DROP_IN_DIR} the drop-in itself
 * @param dropIn the drop-in file (agent path), or null
 * @param importEntry the host path added to {@code imports}, or null
 * @param templateHeader for a k3s/rke2 template we create: the Go-template line that pulls in the base config
 */
public record ConfigPlan(ConfigMode mode, ConfigVersion version, Path mainFile, Path dropIn, String importEntry,
    String templateHeader) {

  /** The file that receives the runtime table. */
  public Path runtimeFile() {
    return dropIn != null ? dropIn : mainFile;
  }
}
