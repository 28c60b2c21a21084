package dev.jvisor.nodeagent.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.cri.CriClient;
import dev.jvisor.cri.v1.PodSandbox;
import dev.jvisor.cri.v1.RuntimeHandler;
import dev.jvisor.cri.v1.StatusResponse;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/** {@link HandlerProbe} over containerd's CRI socket. */
public final class CriHandlerProbe implements HandlerProbe {
  /** One CRI call; containerd answers Status in milliseconds when it is up. */
  public static final Duration CALL_DEADLINE = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path socket;
  private final CriClient client;

  public CriHandlerProbe(Path socket) {
    this.socket = socket;
    this.client = CriClient.connect(socket, CALL_DEADLINE);
  }

  @Override
  public Set<String> servedHandlers() {
    StatusResponse status = client.status(true);
    Set<String> handlers = new TreeSet<>();
    for (RuntimeHandler handler : status.getRuntimeHandlersList()) {
      if (!handler.getName().isEmpty()) {
        handlers.add(handler.getName());
      }
    }
    handlers.addAll(runtimesInConfigJson(status.getInfoMap().get("config")));
    return handlers;
  }

  /** containerd 1.6/1.7 put their CRI config into info["config"]: {"containerd":{"runtimes":{"runc":{...}}}}. */
  static Set<String> runtimesInConfigJson(String configJson) {
    Set<String> handlers = new TreeSet<>();
    if (configJson == null || configJson.isEmpty()) {
      return handlers;
    }
    try {
      JsonNode runtimes = JSON.readTree(configJson).path("containerd").path("runtimes");
      for (Iterator<String> names = runtimes.fieldNames(); names.hasNext(); ) {
        handlers.add(names.next());
      }
    } catch (IOException e) {
      throw new IllegalStateException("containerd's CRI status config is not JSON: " + e.getMessage(), e);
    }
    return handlers;
  }

  @Override
  public String runtimeVersion() {
    return client.version().getRuntimeVersion();
  }

  @Override
  public int sandboxesUsing(String handler) {
    int count = 0;
    for (PodSandbox sandbox : client.listPodSandbox().getItemsList()) {
      if (handler.equals(sandbox.getRuntimeHandler())) {
        count++;
      }
    }
    return count;
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "CRI at " + socket;
  }
}
