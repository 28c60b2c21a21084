/**
 * The contract between the operator and the node-agent, carried on Node objects: the ready label, the status
 * annotation the agent writes and the uninstall annotation the operator writes (docs/operator.md spells it out),
 * and the pure aggregation of those reports into per-node status.
 */
package dev.jvisor.operator.node;
