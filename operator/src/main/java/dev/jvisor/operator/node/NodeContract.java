package dev.jvisor.operator.node;

import java.util.Map;

/**
 * Keys on Node objects shared with the node-agent. Everything is keyed by the SandboxRuntime's name so that several
 * SandboxRuntimes can coexist on one node.
 *
 * <ul>
 *   <li>label {@code jvisor.dev/<name>=ready}: set by the agent only after it verified that containerd serves the
 *       handler; the RuntimeClass's {@code scheduling.nodeSelector} requires it, so no pod lands on an unready node;
 *   <li>annotation {@code jvisor.dev/<name>.status}: the agent's report, a small JSON object (see {@link NodeReport});
 *   <li>annotation {@code jvisor.dev/<name>.uninstall=true}: set by the operator when the SandboxRuntime is deleted.
 * </ul>
 */
public final class NodeContract {
    public static final String PREFIX = "jvisor.dev/";
    public static final String READY_VALUE = "ready";
    public static final String UNINSTALL_VALUE = "true";
    /** The kubelet's OS label; the agent image is Linux-only. */
    public static final String OS_LABEL = "kubernetes.io/os";
    public static final String LINUX = "linux";

    private NodeContract() {
    }

    public static String readyLabel(String sandboxRuntime) {
        return PREFIX + sandboxRuntime;
    }

    public static String statusAnnotation(String sandboxRuntime) {
        return PREFIX + sandboxRuntime + ".status";
    }

    public static String uninstallAnnotation(String sandboxRuntime) {
        return PREFIX + sandboxRuntime + ".uninstall";
    }

    /** True when the node carries the ready label the RuntimeClass schedules on. */
    public static boolean isLabelledReady(Map<String, String> labels, String sandboxRuntime) {
        return labels != null && READY_VALUE.equals(labels.get(readyLabel(sandboxRuntime)));
    }

    /** True when the agent has ever touched this node for this SandboxRuntime (label or report present). */
    public static boolean isTouched(Map<String, String> labels, Map<String, String> annotations, String sandboxRuntime) {
        return (labels != null && labels.containsKey(readyLabel(sandboxRuntime)))
                || (annotations != null && annotations.containsKey(statusAnnotation(sandboxRuntime)));
    }
}
