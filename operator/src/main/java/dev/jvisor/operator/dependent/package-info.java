/**
 * One class per object a SandboxRuntime owns. Each computes its desired object from the spec; the JOSDK workflow
 * creates, updates and (through owner references) garbage-collects them. Settings reach {@code desired()} through
 * the workflow context ({@link dev.jvisor.operator.dependent.AgentObjects#settings}).
 */
package dev.jvisor.operator.dependent;
