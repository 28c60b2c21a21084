package dev.jvisor.nodeagent;

/**
 * A failure the agent reports as the node's Failed reason: the message must tell an operator what is wrong and
 * what to do, because it ends up in the node annotation and the DaemonSet log, not next to a stack trace.
 */
public class AgentException extends RuntimeException {
  public AgentException(String message) {
    super(message);
  }

  public AgentException(String message, Throwable cause) {
    super(message, cause);
  }
}
