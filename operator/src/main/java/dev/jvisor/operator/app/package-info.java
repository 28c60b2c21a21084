/**
 * Quarkus wiring: configuration, beans for the reconciler, leader election, and the start gate that checks the API
 * server before the operator starts (one clear error line instead of the client's silent retries).
 */
package dev.jvisor.operator.app;
