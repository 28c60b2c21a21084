/**
 * Test fixtures: fake host roots ({@link dev.jvisor.nodeagent.testing.HostTree}), small distributions, a recording
 * reporter, tmpfs mounts for full-disk and read-only cases, and a scripted real containerd for the ITs.
 */
package dev.jvisor.nodeagent.testing;
