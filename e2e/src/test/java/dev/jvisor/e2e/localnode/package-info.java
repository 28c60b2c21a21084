/**
 * The local-node end-to-end flow ({@code e2e/run-local.sh}): a one-node cluster played as far as this machine allows,
 * with real parts. fabric8's mock API server stands in for the API server (none can run here) and the operator's
 * real reconciler runs against it; a real containerd is the node's runtime; the packaged node-agent runs in DaemonSet
 * mode with the settings the operator put into its DaemonSet; this flow plays the kubelet through CRI.
 */
package dev.jvisor.e2e.localnode;
