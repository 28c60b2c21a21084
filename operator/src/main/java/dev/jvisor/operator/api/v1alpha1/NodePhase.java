package dev.jvisor.operator.api.v1alpha1;

/**
 * Where one node stands. The node-agent writes these exact spellings into the node's
 * {@code jvisor.dev/<name>.status} annotation (see docs/operator.md).
 */
public enum NodePhase {
    /** Selected, but the node-agent has not reported yet. */
    Pending,
    /** The node-agent is copying the runtime, editing containerd's config or restarting it. */
    Installing,
    /** Installed, verified, and labelled {@code jvisor.dev/<name>=ready}. */
    Ready,
    /** The node-agent gave up; the message says why. */
    Failed,
    /** Uninstall was requested and is in progress. */
    Uninstalling,
    /** Uninstall finished: the host is clean and the label is gone. */
    Uninstalled
}
