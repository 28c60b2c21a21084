/**
 * Controller tests against fabric8's mock API server in CRUD mode (no real API server can run here): it stores and
 * watches objects but does not validate schemas, apply defaults, run garbage collection or schedule pods. The tests
 * therefore play the node-agent (writing Node labels and annotations) and check deletions the operator does itself.
 */
package dev.jvisor.operator.reconciler;
