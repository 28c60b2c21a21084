/**
 * Install and uninstall as sequences of {@link dev.jvisor.nodeagent.lifecycle.Step}s, each idempotent, timed and
 * reported, all host changes under the host lock. {@link dev.jvisor.nodeagent.lifecycle.InstallRecord} remembers
 * exactly what install changed, so uninstall reverses that and nothing else.
 */
package dev.jvisor.nodeagent.lifecycle;
