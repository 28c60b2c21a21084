package dev.jvisor.nodeagent.kube;

/** Where the agent reports: the Node object, or nowhere ({@code --standalone}). */
public interface NodeReporter {
  /** Label value that RuntimeClass scheduling selects on. */
  String READY = "ready";
  /** While the host is being changed the label is absent (docs/operator.md): nothing schedules here. */
  String NOT_READY = null;

  /** Sets the ready label to {@code value}, or removes it when {@code value} is null. */
  void setLabel(String value);

  /** The current label value, or null when absent (standalone: null). */
  String label();

  void report(NodeStatus status);

  /** Whether the operator asked this node to uninstall (annotation {@code <name>.uninstall=true}). */
  boolean uninstallRequested();

  /** For {@code --standalone}: no Kubernetes; status goes to the log only. */
  static NodeReporter standalone(java.util.function.Consumer<String> log) {
    return new NodeReporter() {
      @Override
      public void setLabel(String value) {}

      @Override
      public String label() {
        return null;
      }

      @Override
      public void report(NodeStatus status) {
        log.accept("status: " + status.phase() + (status.message() == null ? "" : " - " + status.message()));
      }

      @Override
      public boolean uninstallRequested() {
        return false;
      }
    };
  }
}
