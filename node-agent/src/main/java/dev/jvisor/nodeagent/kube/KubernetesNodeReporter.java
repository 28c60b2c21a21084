package dev.jvisor.nodeagent.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jvisor.nodeagent.AgentException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import java.util.function.UnaryOperator;

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
    edit(node -> {
      Map<String, String> labels = node.getMetadata().getLabels();
      if (value == null) {
        labels.remove(labelKey);
      } else {
        labels.put(labelKey, value);
      }
      return node;
    });
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
    edit(node -> {
      node.getMetadata().getAnnotations().put(statusKey, json);
      return node;
    });
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

  /** Read-modify-write with the resourceVersion check fabric8's edit does; a conflict is retried by the client. */
  private void edit(UnaryOperator<Node> change) {
    try {
      get();
      client.nodes().withName(nodeName).edit(node -> {
        if (node.getMetadata().getLabels() == null) {
          node.getMetadata().setLabels(new java.util.HashMap<>());
        }
        if (node.getMetadata().getAnnotations() == null) {
          node.getMetadata().setAnnotations(new java.util.HashMap<>());
        }
        return change.apply(node);
      });
    } catch (KubernetesClientException e) {
      throw new AgentException("cannot update Node " + nodeName + ": " + e.getMessage(), e);
    }
  }
}
