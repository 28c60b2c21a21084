/**
 * Verification of what containerd loaded, not what was written (lessons 7 and 8): the CRI {@code Status} RPC with
 * verbose=true returns containerd's effective config as JSON (containerd 1.6/1.7: info["config"].containerd.runtimes;
 * 2.x also lists runtime_handlers). Waits are bounded.
 */
package dev.jvisor.nodeagent.verify;
