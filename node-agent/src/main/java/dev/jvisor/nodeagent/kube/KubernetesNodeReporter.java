package dev.jvisor.nodeagent.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.nodeagent.AgentException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.HashMap;
import java.util.Map;

/**
 * Reports on this node's Node object. Keys follow the operator's contract: label {@code jvisor.dev/<name>},
 * annotations {@code jvisor.dev/<name>.status} and {@code jvisor.dev/<name>.uninstall}.
 */
public final class KubernetesNodeReporter implements NodeReporter {
  public static final String PREFIX = "jvisor.dev/";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient client;
  private final String nodeName;
  private final String labelKey;
  private final String statusKey;
  private final String uninstallKey;

  public KubernetesNodeReporter(KubernetesClient client, String nodeName, String sandboxRuntimeName) {
    if (nodeName == null || nodeName.isBlank()) {
      throw new AgentException("NODE_NAME is not set: the DaemonSet passes it from the downward API "
          + "(spec.nodeName); use --standalone outside Kubernetes");
    }
    if (sandboxRuntimeName == null || sandboxRuntimeName.isBlank()) {
      throw new AgentException("SANDBOXRUNTIME_NAME is not set (--runtime-name); use --standalone outside "
          + "Kubernetes");
    }
    this.client = client;
    this.nodeName = nodeName;
    this.labelKey = labelKey(sandboxRuntimeName);
    this.statusKey = PREFIX + sandboxRuntimeName + ".status";
    this.uninstallKey = PREFIX + sandboxRuntimeName + ".uninstall";
  }

  public static String labelKey(String sandboxRuntimeName) {
    return PREFIX + sandboxRuntimeName;
  }

  @Override
  public void setLabel(String value) {
    if (value != null) {
      mergePatch("labels", labelKey, value);
    } else {
      removeLabel();
    }
  }

  /**
   * A JSON patch {@code remove} of our label only when it is there (remove of an absent key is an error). Not a
   * merge patch with null: that is what the API server removes on, but fabric8's mock server stores the null.
   */
  private void removeLabel() {
    Map<String, String> labels = get().getMetadata().getLabels();
    if (labels == null || !labels.containsKey(labelKey)) {
      return;
    }
    String pointer = "/metadata/labels/" + labelKey.replace("~", "~0").replace("/", "~1");
    try {
      client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON),
          "[{\"op\":\"remove\",\"path\":\"" + pointer + "\"}]");
    } catch (KubernetesClientException e) {
      Map<String, String> now = get().getMetadata().getLabels();
      if (now != null && now.containsKey(labelKey)) {
        throw new AgentException("cannot remove label " + labelKey + " from Node " + nodeName + ": "
            + e.getMessage(), e);
      }
      // someone removed it meanwhile: the result is what we wanted
    }
  }

  @Override
  public String label() {
    Node node = get();
    return node.getMetadata().getLabels() == null ? null : node.getMetadata().getLabels().get(labelKey);
  }

  @Override
  public void report(NodeStatus status) {
    String json;
    try {
      json = JSON.writeValueAsString(status);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a record of strings always serializes", e);
    }
    mergePatch("annotations", statusKey, json);
  }

  @Override
  public boolean uninstallRequested() {
    Map<String, String> annotations = get().getMetadata().getAnnotations();
    return annotations != null && "true".equals(annotations.get(uninstallKey));
  }

  private Node get() {
    try {
      Node node = client.nodes().withName(nodeName).get();
      if (node == null) {
        throw new AgentException("Node " + nodeName + " does not exist (NODE_NAME wrong?)");
      }
      return node;
    } catch (KubernetesClientException e) {
      throw new AgentException("cannot read Node " + nodeName + ": " + e.getMessage(), e);
    }
  }

  /**
   * A JSON merge patch of one key: only our own keys are sent, so the kubelet and other
   * SandboxRuntimes' agents can write the same Node concurrently without conflicts (docs/operator.md).
   */
  private void mergePatch(String section, String key, String value) {
    Map<String, String> entry = new HashMap<>();
    entry.put(key, value);
    String patch;
    try {
      patch = JSON.writeValueAsString(Map.of("metadata", Map.of(section, entry)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings always serializes", e);
    }
    try {
      client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON_MERGE), patch);
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        throw new AgentException("Node " + nodeName + " does not exist (NODE_NAME wrong?)", e);
      }
      throw new AgentException("cannot update Node " + nodeName + ": " + e.getMessage(), e);
    }
  }
}
