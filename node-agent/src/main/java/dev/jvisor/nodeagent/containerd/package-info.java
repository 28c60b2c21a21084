/**
 * containerd knowledge as data: config versions and their CRI plugin ids, distributions (plain containerd, k3s,
 * rke2, k0s) with their config paths, sockets and units, and the pure edits of a config that add or remove the
 * jvisor runtime. Nothing here touches the host; {@code lifecycle} does.
 */
package dev.jvisor.nodeagent.containerd;
