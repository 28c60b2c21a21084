package dev.jvisor.shim.ttrpc;

import java.util.Map;

/** What a request carried besides its payload. */
public record CallContext(Map<String, String> metadata, long timeoutNanos) {
  /** containerd puts the namespace in this metadata key. */
  public static final String NAMESPACE_KEY = "containerd-namespace-ttrpc";

  public CallContext {
    metadata = Map.copyOf(metadata);
  }

  public String namespace() {
    return metadata.getOrDefault(NAMESPACE_KEY, "");
  }
}
