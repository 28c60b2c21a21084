package dev.jvisor.operator.api.v1alpha1;

/** One-word summary of a SandboxRuntime, derived from its conditions; every change is also an Event. */
public enum RuntimePhase {
    /** No node is selected yet, or nothing was reconciled. */
    Pending,
    /** Some selected nodes are still installing. */
    Installing,
    /** Every selected node is verified and labelled; pods can use the RuntimeClass. */
    Ready,
    /** A node failed, or another SandboxRuntime already claims the RuntimeClass name or handler. */
    Degraded,
    /** The SandboxRuntime is being deleted and the nodes are cleaning up. */
    Uninstalling
}
