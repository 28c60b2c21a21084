/**
 * The SandboxRuntime controller: conflict check, the dependent workflow, status aggregation from Nodes, Events,
 * metrics, and the finalizer-driven, bounded uninstall.
 */
package dev.jvisor.operator.reconciler;
