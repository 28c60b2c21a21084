/**
 * A small CRI v1 client ({@link dev.jvisor.cri.CriClient}) over containerd's unix socket; the generated messages
 * live in {@code dev.jvisor.cri.v1}. Used the way a kubelet uses it, by the node-agent's checks and by tests.
 */
package dev.jvisor.cri;
