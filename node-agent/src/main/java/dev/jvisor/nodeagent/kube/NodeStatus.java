package dev.jvisor.nodeagent.kube;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * The status annotation's JSON: {@code {"phase":"Ready","message":"...","runtimeVersion":"0.1.0",
 * "containerdVersion":"1.6.20","since":"2026-11-28T17:00:00Z"}}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record NodeStatus(Phase phase, String message, String runtimeVersion, String containerdVersion,
    String since) {

  public static NodeStatus of(Phase phase, String message, String runtimeVersion, String containerdVersion) {
    return new NodeStatus(phase, message, runtimeVersion, containerdVersion, Instant.now().toString());
  }
}
